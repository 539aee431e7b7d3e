import express, { type NextFunction, type Request, type Response } from "express";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import type { Conversation, Inbound, Outcome } from "../../src/ports";
import { OffboardError, OffboardFailure } from "../../src/errors";
import type { ChatLocation } from "../../src/identity";
import { literal, message as plainMessage } from "../../src/message";
import type { DemoEventHub } from "./demo-event-hub";
import { demoEventStream } from "./demo-event-stream";
import type { DemoMessageStore } from "./demo-message-store";
import { demoIdentity, toMentionTokens, type DemoUser } from "./demo-users";

/** A channel of the demo, as the page shows it. */
export interface DemoChannelInfo {
  id: string;
  name: string;
  /** The team that installed the bot (the partner's), carried in every ChatLocation. */
  installTeamId: string;
  /** How the page draws it: like a Slack channel (threads beside) or a Teams channel (replies under each post). */
  look: "slack" | "teams";
  /** Whose workspace it stands for, shown above it ("Acme Corp · Microsoft Teams"). */
  place: string;
}

export interface DemoApiOptions {
  store: DemoMessageStore;
  hub: DemoEventHub;
  users: readonly DemoUser[];
  /** The Slack-like channel first (where a message with no channel goes), then the Teams-like one. */
  channels: readonly DemoChannelInfo[];
  conversation: Conversation;
  logger?: Logger;
}

/** The page's files: served from beside this file (and copied beside the compiled one in the image). */
export const demoStaticDir = join(__dirname, "demo-static");

/**
 * A strict policy: scripts and styles only from this origin (no inline script at all), requests only
 * to this origin, not framable.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const text = z
  .string()
  .trim()
  .min(1, "type something first")
  .max(4000, "that is too long for one message (4000 characters at most)");
const id = z.string().min(1).max(200);
const messageInput = z.object({
  user: id,
  text,
  /** Which channel; the first (Slack-like) one when left out. */
  channelId: id.optional(),
  threadId: id.optional(),
  requestId: id.optional(),
});
const actionInput = z.object({
  user: id,
  messageId: id,
  actionId: id,
  value: z.string().max(2000),
  /** A date picker's day. */
  picked: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "a day is YYYY-MM-DD")
    .optional(),
  requestId: id.optional(),
});
const formInput = z.object({
  user: id,
  /** The message whose button opened the form, so the submit is audited where it was pressed. */
  messageId: id.optional(),
  callbackId: id,
  values: z.record(z.string(), z.string().max(4000)),
  requestId: id.optional(),
});

/** `/offboard <words>`: the slash command. */
const slashPattern = /^\s*\/offboard(?:\s+([\s\S]*))?$/i;
/** `@Offboard` anywhere in the words, as in a Slack Connect channel. */
const botMention = () => /(?:^|(?<=\s))@offboard\b/gi;

/** A refusal the page shows as it is. */
class DemoRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The demo channel's HTTP side: the page at `/`, its static files under `/demo/static/`, the state
 * reads and the inputs under `/demo/api/`, and the live updates at `/demo/events`. Inputs become
 * `Inbound` events for the core; the `Outcome` goes back to the page (a form to open, per-field
 * errors, a notice). `endStreams` ends the open live-update streams (shutdown).
 */
export function createDemoApiRouter(options: DemoApiOptions): { router: express.Router; endStreams: () => void } {
  const { store, hub, users, channels, conversation, logger } = options;
  const usersById = new Map(users.map((user) => [user.id, user]));
  const channelsById = new Map(channels.map((channel) => [channel.id, channel]));
  const channelOf = (channelId: unknown): DemoChannelInfo => {
    if (channelId === undefined) return channels[0];
    const found = typeof channelId === "string" ? channelsById.get(channelId) : undefined;
    if (!found)
      throw new DemoRequestError(
        404,
        `there is no demo channel ${JSON.stringify(channelId)}; the demo has ${channels.map((c) => c.id).join(" and ")}`,
      );
    return found;
  };
  const router = express.Router();

  const userOf = (userId: string): DemoUser => {
    const user = usersById.get(userId);
    if (!user)
      throw new DemoRequestError(400, `there is no demo user ${JSON.stringify(userId)}; pick one in the user switcher`);
    return user;
  };
  const viewerOf = (req: Request): DemoUser => userOf(typeof req.query.user === "string" ? req.query.user : "");
  /** A direct message's channel is the person's own (`D-<user>`); the bot's team is the Slack-like channel's. */
  const locationOf = (channelId: string, threadId?: string): ChatLocation => ({
    platform: "web",
    channelId,
    threadId,
    teamId: (channelsById.get(channelId) ?? channels[0]).installTeamId,
  });

  const handle = async (inbound: Inbound): Promise<Outcome> => {
    logger?.debug(
      { kind: inbound.kind, user: inbound.actor.userId, requestId: inbound.requestId },
      "demo channel input",
    );
    return conversation.handle(inbound);
  };

  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", contentSecurityPolicy);
    next();
  });

  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.sendFile(join(demoStaticDir, "index.html"));
  });
  router.use("/demo/static", express.static(demoStaticDir, { index: false, fallthrough: false, maxAge: 0 }));

  const shown = (channel: DemoChannelInfo) => ({
    id: channel.id,
    name: channel.name,
    look: channel.look,
    place: channel.place,
  });
  router.get("/demo/api/session", (_req, res) => {
    res.json({ channel: shown(channels[0]), channels: channels.map(shown), bot: { name: "Offboard" }, users });
  });

  // `?channel=<id>` reads the Teams-like channel; without it, the Slack-like one.
  router.get(
    "/demo/api/channel",
    run(async (req, res) => {
      const viewer = viewerOf(req);
      res.json({ messages: await store.channel(channelOf(req.query.channel).id, viewer.id) });
    }),
  );

  router.get(
    "/demo/api/thread/:threadId",
    run(async (req, res) => {
      const viewer = viewerOf(req);
      const threadId = String(req.params.threadId);
      const root = await store.get(threadId);
      if (
        !root ||
        !channelsById.has(root.channelId) ||
        root.threadId !== undefined ||
        root.directTo !== undefined ||
        root.visibleTo !== undefined
      )
        throw new DemoRequestError(404, "that thread is not in the channel");
      res.json({ root, replies: await store.thread(root.channelId, threadId, viewer.id) });
    }),
  );

  router.get(
    "/demo/api/direct",
    run(async (req, res) => {
      res.json({ messages: await store.directMessages(viewerOf(req).id) });
    }),
  );

  const events = demoEventStream(hub, (userId) => usersById.has(userId));
  router.get("/demo/events", events.handler);

  router.post(
    "/demo/api/message",
    express.json({ limit: "64kb" }),
    run(async (req, res) => {
      const input = parse(messageInput, req.body);
      const user = userOf(input.user);
      const actor = demoIdentity(user);
      const requestId = input.requestId ?? randomUUID();
      const channel = channelOf(input.channelId);
      if (input.threadId !== undefined) {
        const root = await store.get(input.threadId);
        if (!root || root.channelId !== channel.id || root.threadId !== undefined || root.visibleTo !== undefined)
          throw new DemoRequestError(404, `that thread is not in ${channel.name}`);
      }
      const typed = toMentionTokens(input.text, users);
      const slash = slashPattern.exec(typed);
      const mention = botMention().test(typed);
      // As in Slack: a slash command is seen by no one else; posted words (with a mention too) by everyone.
      if (!slash)
        await store.add({
          channelId: channel.id,
          threadId: input.threadId,
          author: { kind: "user", userId: user.id, name: user.name, teamId: user.teamId },
          // Their words as written; only the @names the demo resolved are mentions.
          body: plainMessage(toMentionTokens(literal(input.text), users)),
        });
      const words = slash ? slash[1] : mention ? typed.replace(botMention(), " ") : typed;
      const outcome = await handle({
        kind: "message",
        actor,
        requestId,
        text: (words ?? "").trim(),
        mentionsBot: Boolean(slash || mention),
        direct: false,
        location: locationOf(channel.id, input.threadId),
      });
      res.json({ outcome });
    }),
  );

  router.post(
    "/demo/api/action",
    express.json({ limit: "16kb" }),
    run(async (req, res) => {
      const input = parse(actionInput, req.body);
      const actor = demoIdentity(userOf(input.user));
      const pressed = await store.get(input.messageId);
      // The location and the message come from what was stored, never from the page.
      // Whether the button is still current (a re-plan voids sign-off buttons) is the core's to judge, as on Slack.
      if (!pressed) throw new DemoRequestError(404, "that message is gone; reload the page");
      if ((pressed.visibleTo ?? pressed.directTo ?? actor.userId) !== actor.userId)
        throw new DemoRequestError(403, "that message is not yours to act on");
      const outcome = await handle({
        kind: "action",
        actor,
        requestId: input.requestId ?? randomUUID(),
        actionId: input.actionId,
        value: input.value,
        location: locationOf(pressed.channelId, pressed.threadId),
        message: { platform: "web", channelId: pressed.channelId, messageId: pressed.id, threadId: pressed.threadId },
        ...(input.picked ? { picked: input.picked } : {}),
      });
      res.json({ outcome });
    }),
  );

  router.post(
    "/demo/api/form",
    express.json({ limit: "256kb" }),
    run(async (req, res) => {
      const input = parse(formInput, req.body);
      const actor = demoIdentity(userOf(input.user));
      // People are typed as @names in the form too: they become mention tokens, as in messages.
      const values = Object.fromEntries(
        Object.entries(input.values).map(([key, value]) => [key, toMentionTokens(value, users)]),
      );
      // Where the form was opened comes from the stored message, never from the page (as for a press); a message the
      // person cannot see is refused, so no one claims a place they could not have acted in.
      const pressed = input.messageId ? await store.get(input.messageId) : undefined;
      if (input.messageId && !pressed) throw new DemoRequestError(404, "that message is gone; reload the page");
      if (pressed && (pressed.visibleTo ?? pressed.directTo ?? actor.userId) !== actor.userId)
        throw new DemoRequestError(403, "that message is not yours to act on");
      const outcome = await handle({
        kind: "form",
        actor,
        requestId: input.requestId ?? randomUUID(),
        callbackId: input.callbackId,
        values,
        ...(pressed ? { submittedIn: locationOf(pressed.channelId, pressed.threadId) } : {}),
      });
      res.json({ outcome });
    }),
  );

  // Errors of this router answer as JSON the page can show; anything unexpected is logged, not shown.
  router.use("/demo", (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof DemoRequestError) {
      res.status(error.status).json({ error: error.message });
    } else if (error instanceof OffboardError) {
      res.status(statusOf(error)).json({ error: error.message });
    } else if (error instanceof SyntaxError && "body" in error) {
      res.status(400).json({ error: "the request body is not JSON" });
    } else if (clientErrorStatus(error) !== undefined) {
      // express.static's "no such file", a body over the size limit, …
      res.status(clientErrorStatus(error) as number).json({ error: (error as Error).message });
    } else {
      const failure = OffboardFailure.of(error);
      logger?.error({ err: failure.cause, correlationId: failure.correlationId }, "demo channel request failed");
      res.status(500).json({ error: failure.publicMessage });
    }
  });

  return { router, endStreams: events.endAll };
}

function run(handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    );
    throw new DemoRequestError(400, problems.join("; "));
  }
  return result.data;
}

/** The 4xx status an express middleware attached to its error, if any. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

function statusOf(error: OffboardError): number {
  switch (error.code) {
    case "not_permitted":
      return 403;
    case "not_found":
      return 404;
    case "version_conflict":
    case "stale_approval":
    case "already_signed":
      return 409;
    default:
      return 400;
  }
}
