import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Slack Web API on 127.0.0.1: answers every method the bot calls, in Slack's
 * response shapes, and records each call (method, arguments with JSON fields parsed, token) for the
 * tests to assert on. Point the adapter's `apiUrl` at `url`.
 *
 * Channels, users and user groups it knows are set up by the test (`channels`, `users`, `userGroups`);
 * `failNext(method, error)` makes the next call of a method answer `{ ok: false, error }`.
 */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
  /** What the fake answered. */
  result?: Record<string, unknown>;
}

export interface FakeChannel {
  id: string;
  name?: string;
  is_ext_shared?: boolean;
  is_shared?: boolean;
  is_private?: boolean;
  is_member?: boolean;
}

export interface FakeUser {
  id: string;
  team_id: string;
  email?: string;
  /** Whether Slack says they confirmed the address (default: they did). */
  email_confirmed?: boolean;
  real_name?: string;
}

/**
 * A file of the external upload flow: announced by `files.getUploadURLExternal`, its bytes received on
 * the upload URL, shared by `files.completeUploadExternal`.
 */
export interface FakeSlackFile {
  id: string;
  filename: string;
  /** The length announced in bytes. */
  length: number;
  /** What arrived on the upload URL (undefined until then). */
  bytes?: Buffer;
  /** Set by `files.completeUploadExternal`. */
  title?: string;
  channel?: string;
  threadTs?: string;
}

export const fakeBot = { userId: "UOFFBOARD", botId: "BOFFBOARD", teamId: "TPARTNER" } as const;

/** Fields the Web API client JSON-encodes inside a form body. */
const jsonFields = new Set(["blocks", "view", "attachments", "emails", "user_ids", "files", "metadata"]);

export class FakeSlackWebApi {
  readonly calls: RecordedCall[] = [];
  /** Every call since start, kept by `clear()` (to find a button posted before it). */
  readonly history: RecordedCall[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly userGroups = new Map<string, string[]>();
  /** Every file of the external upload flow, by file id. */
  readonly files = new Map<string, FakeSlackFile>();
  private readonly failures = new Map<string, string[]>();
  private server?: Server;
  private tsCounter = 0;
  private channelCounter = 0;
  private fileCounter = 0;
  /** Base URL of the Web API, ending with `/` as the WebClient wants it. */
  url = "";
  /** Where `response_url`s point (slash command `respond`). */
  responseUrl = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/api/`;
    this.responseUrl = `http://127.0.0.1:${port}/respond/`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** Calls of one method (in order), optionally only those matching. */
  callsOf(method: string, where: (args: Record<string, unknown>) => boolean = () => true): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && where(c.args));
  }

  /** Every message text the bot posted, updated or showed ephemerally, with its blocks flattened. */
  postedTexts(method?: "chat.postMessage" | "chat.update" | "chat.postEphemeral"): string[] {
    const methods = method ? [method] : ["chat.postMessage", "chat.update", "chat.postEphemeral"];
    return this.calls.filter((c) => methods.includes(c.method)).map((c) => messageText(c.args));
  }

  /** Forgets the recorded calls (the setup stays). */
  clear(): void {
    this.calls.length = 0;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1760000000.${String(this.tsCounter).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? "";
    if (path.startsWith("/upload/")) {
      const call: RecordedCall = { method: "upload", args: { path, bytes: raw.length }, at: Date.now() };
      this.calls.push(call);
      this.history.push(call);
      const file = this.files.get(path.slice("/upload/".length));
      if (req.method !== "POST" || !file || file.bytes) {
        res.writeHead(404, { "content-type": "text/plain" }).end("no such upload");
        return;
      }
      file.bytes = raw;
      res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${raw.length}`);
      return;
    }
    if (path.startsWith("/respond/")) {
      this.calls.push({
        method: "response_url",
        args: JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>,
        at: Date.now(),
      });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    const method = path.replace(/^\/api\//, "").split("?")[0];
    const args = parseArgs(raw, req.headers["content-type"] ?? "");
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "") || (args.token as string | undefined);
    const call: RecordedCall = { method, args, token, at: Date.now() };
    this.calls.push(call);
    this.history.push(call);
    const queued = this.failures.get(method);
    const failure = queued?.shift();
    const body = failure ? { ok: false, error: failure } : this.answer(method, args);
    call.result = body;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const str = (key: string): string => String(args[key] ?? "");
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://partner.slack.example/",
          team: "Partner",
          user: "offboard",
          team_id: fakeBot.teamId,
          user_id: fakeBot.userId,
          bot_id: fakeBot.botId,
        };
      case "chat.postMessage": {
        const ts = this.nextTs();
        return { ok: true, channel: str("channel"), ts, message: { ts, text: str("text"), thread_ts: args.thread_ts } };
      }
      case "chat.update":
        return { ok: true, channel: str("channel"), ts: str("ts"), text: str("text") };
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "conversations.info": {
        const channel = this.channels.get(str("channel"));
        if (!channel) return { ok: false, error: "channel_not_found" };
        return {
          ok: true,
          channel: {
            is_channel: true,
            is_private: false,
            is_member: true,
            is_shared: false,
            is_ext_shared: false,
            name: channel.id.toLowerCase(),
            ...channel,
          },
        };
      }
      case "conversations.join":
        return { ok: true, channel: { id: str("channel") } };
      case "conversations.open":
        return { ok: true, channel: { id: `D${str("users").replace(/^U/, "")}` } };
      case "conversations.create": {
        const name = str("name");
        if ([...this.channels.values()].some((c) => c.name === name)) return { ok: false, error: "name_taken" };
        this.channelCounter += 1;
        const id = `CNEW${String(this.channelCounter).padStart(4, "0")}`;
        this.channels.set(id, { id, name, is_member: true });
        return { ok: true, channel: { id, name, is_channel: true, is_private: false } };
      }
      case "conversations.invite":
        return { ok: true, channel: { id: str("channel") } };
      case "conversations.inviteShared":
        return { ok: true, invite_id: `I${this.calls.length}`, is_legacy_shared_channel: false };
      case "usergroups.users.list": {
        const users = this.userGroups.get(str("usergroup"));
        return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
      }
      case "users.info": {
        const user = this.users.get(str("user"));
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: user.id,
            team_id: user.team_id,
            real_name: user.real_name,
            is_email_confirmed: user.email_confirmed ?? true,
            profile: { email: user.email, real_name: user.real_name },
          },
        };
      }
      case "views.open":
        return { ok: true, view: { id: `V${this.calls.length}`, ...(args.view as object) } };
      case "views.update":
        return { ok: true, view: { id: str("view_id"), ...(args.view as object) } };
      case "views.publish":
        return { ok: true, view: { id: `VH${this.calls.length}`, ...(args.view as object) } };
      case "chat.getPermalink":
        return {
          ok: true,
          channel: str("channel"),
          permalink: `https://partner.slack.example/archives/${str("channel")}/p${str("message_ts").replace(".", "")}`,
        };
      case "files.getUploadURLExternal": {
        const length = Number(args.length);
        if (!str("filename") || !Number.isInteger(length) || length < 1)
          return { ok: false, error: "invalid_arguments" };
        this.fileCounter += 1;
        const id = `F${this.fileCounter}`;
        this.files.set(id, { id, filename: str("filename"), length });
        // On loopback, like the API itself: the bytes go to this fake.
        return { ok: true, upload_url: this.url.replace(/\/api\/$/, `/upload/${id}`), file_id: id };
      }
      case "files.completeUploadExternal": {
        const listed = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        const files = listed.map((f) => this.files.get(f.id));
        // Slack refuses to complete a file whose bytes did not arrive, or arrived at another length.
        if (listed.length === 0 || files.some((f) => !f?.bytes || f.bytes.length !== f.length))
          return { ok: false, error: "file_not_found" };
        listed.forEach((f, i) =>
          Object.assign(files[i]!, {
            title: f.title,
            channel: args.channel_id as string | undefined,
            threadTs: args.thread_ts as string | undefined,
          }),
        );
        return { ok: true, files: listed.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

/** The text and every block's text of a chat call, flattened for assertions. */
export function messageText(args: Record<string, unknown>): string {
  const parts: string[] = [String(args.text ?? "")];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "text" && typeof inner === "string") parts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(args.blocks);
  return parts.join("\n");
}

/** The buttons of a chat call's blocks: action id, value and label. */
export function buttonsOf(args: Record<string, unknown>): { action_id: string; value: string; label: string }[] {
  const blocks =
    (args.blocks as
      | { type: string; elements?: { type: string; action_id: string; value: string; text: { text: string } }[] }[]
      | undefined) ?? [];
  return blocks.flatMap((b) =>
    b.type === "actions"
      ? (b.elements ?? [])
          .filter((e) => e.type === "button")
          .map((e) => ({ action_id: e.action_id, value: e.value, label: e.text.text }))
      : [],
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString("utf8");
  if (contentType.includes("application/json")) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (contentType.includes("multipart/form-data")) return { multipart: true, bytes: raw.length };
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (jsonFields.has(key) && /^[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    args[key] = value;
  }
  return args;
}
