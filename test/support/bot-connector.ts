import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  kind: "create" | "send" | "reply" | "update" | "member";
  conversationId: string;
  /** The id the connector gave (send/reply/create) or the id updated. */
  activityId: string;
  /** For replies: the activity replied to. */
  replyToId?: string;
  /** A conversation the connector refused to create (see `refuseChatsWith`). */
  refused?: boolean;
  authorization?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * A local stand-in for the Bot Framework Connector service (what Teams' `serviceUrl` points at), on
 * 127.0.0.1 with a free port. It answers the calls a bot makes — create a conversation, send, reply,
 * update — with fresh ids and records every one, so a test can read what the bot posted where.
 *
 * @example
 *   const connector = await FakeBotConnector.start();
 *   // … activities with serviceUrl: connector.url …
 *   connector.calls.filter((c) => c.kind === "update");
 *   await connector.close();
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  /** Unexpected requests (wrong path or method): a test asserts this stays empty. */
  readonly unexpected: string[] = [];
  /**
   * Conversation members the connector knows, by Bot Framework id (`29:…`): what `GET …/members/:id` returns (a
   * TeamsChannelAccount: `email` and `userPrincipalName` for a regular user).
   */
  readonly members = new Map<
    string,
    { id: string; name: string; aadObjectId: string; tenantId?: string; email?: string; userPrincipalName?: string }
  >();
  /**
   * While set, `GET …/members/:id` answers with this status (403: the bot may not read the member; 503: the
   * connector is down) instead of the member.
   */
  membersFailWith: number | undefined;
  /**
   * Bot Framework ids (`29:…`) Teams will not open a 1:1 chat with (an external user of a tenant where the app
   * is not installed): creating a conversation with them answers 403.
   */
  readonly refuseChatsWith = new Set<string>();
  private sequence = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeBotConnector> {
    const app = express();
    app.use(express.json({ limit: "2mb" }));
    // The routes need the instance, which needs the bound port: they reach it through this holder.
    const holder: { connector?: FakeBotConnector } = {};
    const the = (): FakeBotConnector => holder.connector!;
    app.post("/v3/conversations", (req, res) => the().create(req, res));
    app.post("/v3/conversations/:conversationId/activities", (req, res) => the().record("send", req, res));
    app.post("/v3/conversations/:conversationId/activities/:activityId", (req, res) => the().record("reply", req, res));
    app.put("/v3/conversations/:conversationId/activities/:activityId", (req, res) => the().record("update", req, res));
    app.get("/v3/conversations/:conversationId/members/:userId", (req, res) => the().member(req, res));
    app.use((req, res) => {
      the().unexpected.push(`${req.method} ${req.path}`);
      res
        .status(404)
        .json({ error: { code: "NotFound", message: `the fake connector does not serve ${req.method} ${req.path}` } });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    holder.connector = new FakeBotConnector(server, `http://127.0.0.1:${port}/`);
    return holder.connector;
  }

  private nextId(): string {
    return `${1_700_000_000_000 + ++this.sequence}`;
  }

  private create(req: express.Request, res: express.Response): void {
    const members = (req.body?.members ?? []) as { id?: string }[];
    if (members.some((m) => m.id && this.refuseChatsWith.has(m.id))) {
      this.calls.push({ kind: "create", conversationId: "", activityId: "", refused: true, body: req.body });
      res.status(403).json({ error: { code: "Forbidden", message: "The bot is not installed for this user" } });
      return;
    }
    const id = `a:personal-${++this.sequence}`;
    this.calls.push({
      kind: "create",
      conversationId: id,
      activityId: id,
      authorization: req.headers.authorization,
      body: req.body,
    });
    res.status(201).json({ id, activityId: "", serviceUrl: this.url });
  }

  private member(req: express.Request, res: express.Response): void {
    const userId = String(req.params.userId);
    this.calls.push({
      kind: "member",
      conversationId: String(req.params.conversationId),
      activityId: userId,
      authorization: req.headers.authorization,
      body: undefined,
    });
    if (this.membersFailWith !== undefined) {
      res.status(this.membersFailWith).json({ error: { code: "Failure", message: "the connector cannot say now" } });
      return;
    }
    const member = this.members.get(userId);
    if (member) res.json(member);
    else
      res.status(404).json({
        error: { code: "MemberNotFoundInConversation", message: "The member is not part of the conversation" },
      });
  }

  private record(kind: "send" | "reply" | "update", req: express.Request, res: express.Response): void {
    const conversationId = String(req.params.conversationId);
    const activityId = kind === "update" ? String(req.params.activityId) : this.nextId();
    this.calls.push({
      kind,
      conversationId,
      activityId,
      replyToId: kind === "reply" ? String(req.params.activityId) : undefined,
      authorization: req.headers.authorization,
      body: req.body,
    });
    res.status(kind === "update" ? 200 : 201).json({ id: activityId });
  }

  /** Messages posted (sent or replied) into a conversation id, oldest first. */
  postsIn(conversationId: string): ConnectorCall[] {
    return this.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && c.conversationId === conversationId);
  }

  clear(): void {
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

/** Every visible text of an Adaptive Card (TextBlocks, facts, action titles, inner cards), one per line. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "TextBlock" && typeof n.text === "string") out.push(n.text);
    if (n.type === "FactSet" && Array.isArray(n.facts))
      for (const f of n.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
    if (typeof n.type === "string" && n.type.startsWith("Action.") && typeof n.title === "string")
      out.push(`[${n.title}]`);
    for (const key of ["body", "actions", "card", "items", "columns"]) if (key in n) walk(n[key]);
  };
  walk(card);
  return out.join("\n");
}

/** The Adaptive Card of a posted activity. */
export function cardOf(call: ConnectorCall | undefined): unknown {
  return call?.body?.attachments?.[0]?.content;
}

/** Every Action.Execute in a card (inside ShowCards too), with its verb and data. */
export function executeActions(card: unknown): { title: string; verb: string; data: { value?: string } }[] {
  const found: { title: string; verb: string; data: { value?: string } }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "Action.Execute")
      found.push({ title: String(n.title), verb: String(n.verb), data: (n.data ?? {}) as { value?: string } });
    for (const key of ["body", "actions", "card"]) if (key in n) walk(n[key]);
  };
  walk(card);
  return found;
}
