import { randomBytes } from "node:crypto";
import { createLogger } from "../../adapters/log/logger";
import { OneTimeFileStore } from "../../adapters/redis/one-time-file-store";
import { createSlackAdapter } from "../../adapters/slack";
import { createTeamsAdapter } from "../../adapters/teams";
import { createDemoChannel } from "../../adapters/web/demo-channel";
import type { DemoMessage } from "../../adapters/web/demo-message-store";
import { createFileDownloadRouter } from "../../adapters/web/file-download-router";
import { createHttpServer } from "../../adapters/web/http-server";
import { freeLoopbackPort } from "../../scripts/local-redis";
import { loadConfig } from "../../src/config";
import type { Conversation } from "../../src/ports";
import type { ChatLocation, Identity, Platform } from "../../src/identity";
import { startOffboard, type RunningOffboard } from "../../src/main";
import type { Block } from "../../src/message";
import { cardOf, cardText, FakeBotConnector, type ConnectorCall } from "./bot-connector";
import {
  platformUnderTest,
  routerUnderTest,
  type ChatContractHarness,
  type ChatObserver,
  type SeenFile,
  type SeenMessage,
} from "./chat-contract";
import { deleteKeysWithPrefix, testRedis, testRedisUrl } from "./redis";
import { testBotToken, testSigningSecret } from "./slack-requests";
import { fakeBot, FakeSlackWebApi, messageText, type RecordedCall } from "./slack-web-api";

/**
 * The platforms of the chat contract suite, each built the way src/main.ts builds it (the same
 * factories, routers and HTTP shell; the router harness is startOffboard itself), each with an
 * observer that reads back what the platform's side received.
 */

/** A conversation that takes every inbound and does nothing: the contract is about what goes out. */
const idleConversation: Conversation = { handle: async () => ({}) };

const silent = createLogger("silent");

/** Downloads a one-time link once (later asks reuse the result) and can try it again. */
class Downloads {
  private readonly done = new Map<string, Promise<SeenFile | undefined>>();

  get(url: string): Promise<SeenFile | undefined> {
    let download = this.done.get(url);
    if (!download) {
      download = fetchFile(url);
      this.done.set(url, download);
    }
    return download;
  }
}

async function fetchFile(url: string): Promise<SeenFile | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) return undefined;
  const disposition = response.headers.get("content-disposition") ?? "";
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  if (!disposition.startsWith("attachment") || !encoded) throw new Error(`not an attachment: ${disposition}`);
  return {
    filename: decodeURIComponent(encoded),
    content: Buffer.from(await response.arrayBuffer()).toString("utf8"),
    downloadAgain: async () => (await fetch(url, { signal: AbortSignal.timeout(10_000) })).status,
  };
}

async function downloadAll(downloads: Downloads, urls: string[]): Promise<SeenFile[]> {
  const files = await Promise.all(urls.map((url) => downloads.get(url)));
  return files.filter((f): f is SeenFile => Boolean(f));
}

// ---- Slack: the fake Web API ---------------------------------------------------------------------

/** A call's mrkdwn as Slack shows it: its three entities decoded, the zero-width spaces that keep typed characters
 * from formatting gone. */
function slackShown(args: Record<string, unknown>): string {
  return messageText(args)
    .replace(/\u200b/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export class SlackObserver implements ChatObserver {
  readonly channel: ChatLocation = { platform: "slack", channelId: "CCONTRACT1", teamId: fakeBot.teamId };
  readonly person: Identity = { platform: "slack", userId: "UCUST1", teamId: "TACME", name: "cara.customer" };
  readonly other: Identity = { platform: "slack", userId: "UOTHER1", teamId: "TACME", name: "bob.bystander" };

  constructor(private readonly web: FakeSlackWebApi) {}

  private calls(method: string, where: (args: Record<string, unknown>) => boolean): RecordedCall[] {
    return this.web.history.filter((c) => c.method === method && c.result?.ok === true && where(c.args));
  }

  async messages(where: ChatLocation): Promise<SeenMessage[]> {
    const seen = this.calls(
      "chat.postMessage",
      (a) => a.channel === where.channelId && (a.thread_ts ?? undefined) === where.threadId,
    ).map((c) => ({ id: String(c.result?.ts), text: slackShown(c.args) }));
    for (const update of this.calls("chat.update", (a) => a.channel === where.channelId)) {
      const target = seen.find((m) => m.id === update.args.ts);
      if (target) target.text = slackShown(update.args);
    }
    return seen;
  }

  async privateNotices(where: ChatLocation, viewer: Identity): Promise<string[]> {
    return this.calls("chat.postEphemeral", (a) => a.user === viewer.userId && a.channel === where.channelId).map((c) =>
      slackShown(c.args),
    );
  }

  async directMessages(viewer: Identity): Promise<string[]> {
    const ims = this.calls("conversations.open", (a) => a.users === viewer.userId).map(
      (c) => (c.result?.channel as { id: string }).id,
    );
    return this.calls("chat.postMessage", (a) => ims.includes(String(a.channel))).map((c) => slackShown(c.args));
  }

  async files(where: ChatLocation): Promise<SeenFile[]> {
    return [...this.web.files.values()]
      .filter((f) => f.bytes && f.channel === where.channelId && f.threadTs === where.threadId)
      .map((f) => ({ filename: f.filename, content: f.bytes!.toString("utf8") }));
  }

  async sharedChannel(where: ChatLocation): Promise<{ name: string; invited: string[] } | undefined> {
    const created = this.calls("conversations.create", () => true).find(
      (c) => (c.result?.channel as { id: string }).id === where.channelId,
    );
    if (!created) return undefined;
    const invited = this.calls("conversations.inviteShared", (a) => a.channel === where.channelId).flatMap(
      (c) => c.args.emails as string[],
    );
    return { name: String(created.args.name), invited };
  }
}

/** SlackChat from createSlackAdapter (as src/main.ts makes it) against the fake Web API. */
export async function startSlackContract(): Promise<ChatContractHarness> {
  const web = await new FakeSlackWebApi().start();
  const { redis, prefix, cleanup } = testRedis("contract-slack");
  const slack = createSlackAdapter({
    botToken: testBotToken,
    signingSecret: testSigningSecret,
    apiUrl: web.url,
    partnerUsers: ["UPARTNER1"],
    redis,
    prefix,
    logger: silent,
  });
  return {
    chat: platformUnderTest(slack.chat),
    seen: new SlackObserver(web),
    close: async () => {
      await slack.stop();
      await web.close();
      await cleanup();
    },
  };
}

// ---- Teams: the fake Bot Connector ---------------------------------------------------------------

export class TeamsObserver implements ChatObserver {
  readonly channel: ChatLocation = {
    platform: "teams",
    channelId: "19:contract-channel@thread.tacv2",
    teamId: "tenant-partner",
  };
  readonly person: Identity = { platform: "teams", userId: "aad-cora", teamId: "tenant-customer", name: "Cora" };
  readonly other: Identity = { platform: "teams", userId: "aad-otto", teamId: "tenant-customer", name: "Otto" };
  private readonly downloads = new Downloads();

  constructor(private readonly connector: FakeBotConnector) {}

  /**
   * What Teams sends when people are in the channel: an activity from each, through the bot's real
   * endpoint, so the adapter knows the channel and how to reach them 1:1.
   */
  async introduce(endpoint: string): Promise<void> {
    for (const who of [this.person, this.other]) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          type: "conversationUpdate",
          id: `intro-${randomBytes(4).toString("hex")}`,
          channelId: "msteams",
          serviceUrl: this.connector.url,
          timestamp: new Date().toISOString(),
          from: { id: `29:${who.userId}`, name: who.name, aadObjectId: who.userId },
          recipient: { id: "28:offboard-bot", name: "Offboard" },
          conversation: { id: this.channel.channelId, conversationType: "channel", isGroup: true },
          channelData: {
            tenant: { id: who.teamId },
            channel: { id: this.channel.channelId },
            team: { id: "19:team@thread.tacv2" },
          },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status >= 300) throw new Error(`the bot refused the introduction: ${response.status}`);
    }
  }

  private conversationOf(where: ChatLocation): string {
    return where.threadId ? `${where.channelId};messageid=${where.threadId}` : where.channelId;
  }

  private personalChat(viewer: Identity): string | undefined {
    return this.connector.calls.find(
      (c) =>
        c.kind === "create" && (c.body as { members?: { id: string }[] }).members?.[0]?.id === `29:${viewer.userId}`,
    )?.conversationId;
  }

  private text(call: ConnectorCall): string {
    return [String((call.body as { summary?: string }).summary ?? ""), cardText(cardOf(call))].join("\n");
  }

  async messages(where: ChatLocation): Promise<SeenMessage[]> {
    const seen = this.connector
      .postsIn(this.conversationOf(where))
      .map((c) => ({ id: c.activityId, text: this.text(c) }));
    for (const update of this.connector.calls.filter((c) => c.kind === "update")) {
      const target = seen.find((m) => m.id === update.activityId);
      if (target) target.text = this.text(update);
    }
    return seen;
  }

  /** Teams has no ephemeral message: a private notice goes to the person's 1:1 chat with the bot. */
  privateNotices(_where: ChatLocation, viewer: Identity): Promise<string[]> {
    return this.directMessages(viewer);
  }

  async directMessages(viewer: Identity): Promise<string[]> {
    const chat = this.personalChat(viewer);
    return chat ? this.connector.postsIn(chat).map((c) => this.text(c)) : [];
  }

  async files(where: ChatLocation, viewer: Identity): Promise<SeenFile[]> {
    const chat = this.personalChat(viewer);
    const posts = [
      ...this.connector.postsIn(this.conversationOf(where)),
      ...(chat ? this.connector.postsIn(chat) : []),
    ];
    const urls = posts.flatMap((c) => openUrls(cardOf(c))).filter((url) => url.includes("/files/"));
    return downloadAll(this.downloads, urls);
  }

  async sharedChannel(): Promise<undefined> {
    return undefined;
  }
}

/** Every Action.OpenUrl of an Adaptive Card. */
function openUrls(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "Action.OpenUrl" && typeof n.url === "string") found.push(n.url);
    for (const value of Object.values(n)) walk(value);
  };
  walk(card);
  return found;
}

/**
 * TeamsChat from createTeamsAdapter (local mode, as with TEAMS_LOCAL=1) on the shared HTTP shell with
 * its messaging endpoint and the one-time download route mounted as src/main.ts mounts them.
 */
export async function startTeamsContract(): Promise<ChatContractHarness> {
  const connector = await FakeBotConnector.start();
  const { redis, prefix, cleanup } = testRedis("contract-teams");
  const port = await freeLoopbackPort();
  const base = `http://127.0.0.1:${port}`;
  const teams = createTeamsAdapter({
    appType: "MultiTenant",
    local: true,
    partnerUsers: [],
    publicBaseUrl: base,
    redis,
    prefix,
    logger: silent,
  });
  teams.attach(idleConversation);
  const http = createHttpServer({ logger: silent, readiness: async () => ({ redis: true, workers: true }) });
  http.app.use(teams.router);
  http.app.use(createFileDownloadRouter(new OneTimeFileStore(redis, prefix), { logger: silent }));
  const running = await http.listen(port, "127.0.0.1");
  const seen = new TeamsObserver(connector);
  await seen.introduce(`${base}/api/messages`);
  return {
    chat: platformUnderTest(teams.chat),
    seen,
    close: async () => {
      await running.close();
      await connector.close();
      await cleanup();
    },
  };
}

// ---- the demo channel: its own HTTP API ----------------------------------------------------------

export class DemoObserver implements ChatObserver {
  readonly channel: ChatLocation = { platform: "web", channelId: "C-DEMO", teamId: "T-PARTNER" };
  readonly person: Identity = { platform: "web", userId: "U-CAROL", teamId: "T-CUSTOMER", name: "Carol Chen" };
  readonly other: Identity = { platform: "web", userId: "U-ALEX", teamId: "T-AWS", name: "Alex Rivera" };
  private readonly downloads = new Downloads();

  constructor(private readonly base: string) {}

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  /** What the page shows `viewer` in `where`, as the page reads it. */
  private async shown(where: ChatLocation, viewer: Identity): Promise<DemoMessage[]> {
    const user = encodeURIComponent(viewer.userId);
    if (where.threadId)
      return (await this.get<{ replies: DemoMessage[] }>(`/demo/api/thread/${where.threadId}?user=${user}`)).replies;
    return (await this.get<{ messages: DemoMessage[] }>(`/demo/api/channel?user=${user}`)).messages;
  }

  async messages(where: ChatLocation, viewer: Identity): Promise<SeenMessage[]> {
    return (await this.shown(where, viewer)).map((m) => ({ id: m.id, text: demoText(m) }));
  }

  async privateNotices(where: ChatLocation, viewer: Identity): Promise<string[]> {
    return (await this.shown(where, viewer)).filter((m) => m.visibleTo === viewer.userId).map(demoText);
  }

  async directMessages(viewer: Identity): Promise<string[]> {
    const user = encodeURIComponent(viewer.userId);
    return (await this.get<{ messages: DemoMessage[] }>(`/demo/api/direct?user=${user}`)).messages.map(demoText);
  }

  async files(where: ChatLocation, viewer: Identity): Promise<SeenFile[]> {
    const urls = (await this.shown(where, viewer))
      .flatMap((m) => m.body.blocks)
      .flatMap((b) => (b.type === "link" && b.url.startsWith("/files/") ? [new URL(b.url, this.base).href] : []));
    return downloadAll(this.downloads, urls);
  }

  async sharedChannel(): Promise<undefined> {
    return undefined;
  }
}

function demoText(m: DemoMessage): string {
  const blockText = (b: Block): string => {
    switch (b.type) {
      case "header":
      case "text":
      case "context":
        return b.text;
      case "link":
        return `${b.label} ${b.url}`;
      case "fields":
        return b.fields.map((f) => `${f.label}: ${f.value}`).join("\n");
      case "actions":
        return b.buttons.map((x) => `[${x.label}]`).join(" ");
      default:
        return "";
    }
  };
  return [m.body.text, ...m.body.blocks.map(blockText)].join("\n");
}

/** DemoChat from createDemoChannel, its page API and the download route on the HTTP shell, as in src/main.ts. */
export async function startDemoContract(): Promise<ChatContractHarness> {
  const { redis, prefix, cleanup } = testRedis("contract-demo");
  const demo = createDemoChannel({ redis, prefix, logger: silent });
  const http = createHttpServer({ logger: silent, readiness: async () => ({ redis: true, workers: true }) });
  http.app.use(createFileDownloadRouter(new OneTimeFileStore(redis, prefix), { logger: silent }));
  http.app.use(demo.router(idleConversation));
  const running = await http.listen(0, "127.0.0.1");
  return {
    chat: platformUnderTest(demo.chat),
    seen: new DemoObserver(`http://127.0.0.1:${running.port}`),
    close: async () => {
      await demo.close();
      await running.close();
      await cleanup();
    },
  };
}

// ---- the router: the whole composition root ------------------------------------------------------

/**
 * startOffboard itself (role web) with Slack, Teams and the demo channel all configured, each pointed
 * at its fake; the contract is run on `running.chat` — the ChatRouter the core talks to — for one
 * platform.
 */
export async function startRouterContract(platform: Platform): Promise<ChatContractHarness> {
  const all = await startAllPlatforms("contract-router");
  const teams = new TeamsObserver(all.connector);
  await teams.introduce(`${all.base}/api/messages`);
  const observers: Record<Platform, ChatObserver> = {
    slack: new SlackObserver(all.web),
    teams,
    web: new DemoObserver(all.base),
  };
  return { chat: routerUnderTest(all.running.chat, platform), seen: observers[platform], close: all.close };
}

/** startOffboard with Slack, Teams and the demo channel configured at once, each pointed at its fake. */
export interface AllPlatforms {
  running: RunningOffboard;
  web: FakeSlackWebApi;
  connector: FakeBotConnector;
  /** `http://127.0.0.1:<port>`, also the PUBLIC_BASE_URL. */
  base: string;
  /** The key prefix of this bot in Redis. */
  prefix: string;
  close(): Promise<void>;
}

export async function startAllPlatforms(label: string): Promise<AllPlatforms> {
  const web = await new FakeSlackWebApi().start();
  const connector = await FakeBotConnector.start();
  const port = await freeLoopbackPort();
  const base = `http://127.0.0.1:${port}`;
  const prefix = `test:${label}:${randomBytes(4).toString("hex")}:`;
  const config = loadConfig({
    REDIS_URL: testRedisUrl,
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    OFFBOARD_KEY_PREFIX: prefix,
    LOG_LEVEL: "silent",
    SLACK_BOT_TOKEN: testBotToken,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: web.url,
    OFFBOARD_PARTNER_SLACK_USERS: "UPARTNER1",
    TEAMS_LOCAL: "1",
    OFFBOARD_PARTNER_TEAMS_USERS: "aad-pat",
    OFFBOARD_DEMO_CHANNEL: "1",
    OFFBOARD_PARTNER_WEB_USERS: "U-PAT",
  });
  const running = await startOffboard(config, { role: "web", host: "127.0.0.1", logger: silent });
  return {
    running,
    web,
    connector,
    base,
    prefix,
    close: async () => {
      await running.close();
      await connector.close();
      await web.close();
      const { redis, cleanup } = testRedis(`${label}-cleanup`);
      await deleteKeysWithPrefix(redis, prefix);
      await cleanup();
    },
  };
}
