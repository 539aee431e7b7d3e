import type { Request, Response } from "express";
import type { DemoEventHub } from "./demo-event-hub";
import { isVisibleTo, type DemoEvent } from "./demo-message-store";
import { shutdownEvent } from "./http-server";

/** A comment line every so often keeps proxies from closing an idle stream. */
const heartbeatMs = 20_000;

/**
 * `GET /demo/events?user=<id>`: server-sent events for one viewer. The first event, `ready`, is sent
 * once the Redis subscription is live, so a page that loads its state after `ready` misses nothing.
 * Then `posted` and `updated` events carry the messages this viewer may see. Streams end when the
 * HTTP server shuts down.
 */
export function demoEventStream(hub: DemoEventHub, knownUser: (id: string) => boolean) {
  const openStreams = new Set<Response>();
  const appsListening = new WeakSet<object>();
  const endAll = () => {
    for (const res of openStreams) res.end();
    openStreams.clear();
  };

  const handler = async (req: Request, res: Response): Promise<void> => {
    const viewer = typeof req.query.user === "string" ? req.query.user : "";
    if (!knownUser(viewer)) {
      res.status(400).json({ error: "say who is watching: /demo/events?user=<a demo user id>" });
      return;
    }
    if (!appsListening.has(req.app)) {
      appsListening.add(req.app);
      (req.app as unknown as NodeJS.EventEmitter).on(shutdownEvent, endAll);
    }

    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write("retry: 2000\n\n");
    openStreams.add(res);

    const send = (event: DemoEvent) => {
      if (isVisibleTo(event.message, viewer))
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.message)}\n\n`);
    };
    const heartbeat = setInterval(() => res.write(": ping\n\n"), heartbeatMs);
    heartbeat.unref();
    let unsubscribe: (() => void) | undefined;
    res.once("close", () => {
      clearInterval(heartbeat);
      openStreams.delete(res);
      unsubscribe?.();
    });

    try {
      unsubscribe = await hub.subscribe(send);
    } catch {
      res.write(
        `event: failed\ndata: ${JSON.stringify({ error: "the live updates could not start (is Redis up?)" })}\n\n`,
      );
      res.end();
      return;
    }
    if (res.writableEnded) {
      unsubscribe();
      return;
    }
    res.write(`event: ready\ndata: {}\n\n`);
  };

  return { handler, endAll };
}
