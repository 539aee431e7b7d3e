import { duplicateConnection, type RedisClient } from "../redis/connection";
import type { Logger } from "pino";
import type { DemoEvent } from "./demo-message-store";

type Listener = (event: DemoEvent) => void;

/**
 * Fans the demo channel's changes out to this process's browsers. Every process subscribes to the
 * same Redis pub/sub channel, so a message posted by a worker (or another web process) reaches every
 * open page whichever process serves it.
 *
 * One subscriber connection per process, opened with the first listener and closed by `close()`.
 */
export class DemoEventHub {
  private readonly listeners = new Set<Listener>();
  private subscriber?: RedisClient;
  private subscribed?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
    private readonly logger?: Logger,
  ) {}

  /** Calls `listener` with every event from now on; resolves once the subscription is live. Returns the unsubscribe. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    await this.ensureSubscribed();
    return () => this.listeners.delete(listener);
  }

  private ensureSubscribed(): Promise<void> {
    if (!this.subscribed) {
      const subscriber = duplicateConnection(this.redis);
      this.subscriber = subscriber;
      subscriber.on("error", (error: Error) => this.logger?.warn({ err: error }, "demo channel event subscriber"));
      subscriber.on("message", (_channel: string, payload: string) => this.dispatch(payload));
      this.subscribed = subscriber.subscribe(this.channel).then(() => undefined);
      this.subscribed.catch(() => {
        // A failed subscription is retried by the next subscriber rather than remembered forever.
        this.subscribed = undefined;
        subscriber.disconnect();
      });
    }
    return this.subscribed;
  }

  private dispatch(payload: string): void {
    let event: DemoEvent;
    try {
      event = JSON.parse(payload) as DemoEvent;
    } catch {
      this.logger?.warn("demo channel event that is not JSON ignored");
      return;
    }
    for (const listener of this.listeners) listener(event);
  }

  /** Drops every listener and closes the subscriber connection. */
  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
