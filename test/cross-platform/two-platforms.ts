import { freeLoopbackPort } from "../../scripts/local-redis";
import type { Case } from "../../src/case";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import type { ChatLocation } from "../../src/identity";
import { cardOf, cardText, executeActions, FakeBotConnector, type ConnectorCall } from "../support/bot-connector";
import { startFullStack, type FullStack } from "../support/full-stack";
import { SlackRequester, testBotToken, testSigningSecret, type SlackTestUser } from "../support/slack-requests";
import { buttonsOf, FakeSlackWebApi, messageText, type RecordedCall } from "../support/slack-web-api";
import type { TeamsPerson } from "../support/teams-stack";

/**
 * One Offboard with Slack and Teams both configured (the production composition root, role all: Redis, BullMQ
 * workers, the AWS sandbox), the partner in Slack and the customer in Teams: signed Slack requests through the real
 * Bolt receiver, Bot Framework activities through the real botbuilder endpoint, a fake Slack Web API and a fake Bot
 * Connector recording what the bot sent where.
 */
export const slackChannel = "CPARTNEROPS";
export const teamsChannel = "19:acme-cloud@thread.tacv2";
export const otherTeamsChannel = "19:someone-else@thread.tacv2";

export const partner: SlackTestUser = { id: "UPARTNER1", teamId: "TPARTNER", name: "pat.partner" };
export const awsApprover: SlackTestUser = { id: "UALEX1", teamId: "TAWS", name: "alex.aws" };
export const customer: TeamsPerson = { aad: "aad-cora", name: "Cora", tenant: "tenant-customer" };
export const bystander: TeamsPerson = { aad: "aad-otto", name: "Otto", tenant: "tenant-customer" };

export interface TwoPlatforms {
  stack: FullStack;
  deps: ConversationDeps;
  web: FakeSlackWebApi;
  connector: FakeBotConnector;
  slack: SlackRequester;
  base: string;
  /** The case of the Slack channel, read fresh. */
  caseOf(): Promise<Case>;
  /** A Teams channel message (top level, or a reply in the reply chain `threadId`); its activity id. */
  teamsSay(
    from: TeamsPerson,
    text: string,
    options?: { threadId?: string; channel?: string; id?: string },
  ): Promise<string>;
  /** An Action.Execute press on a Teams card; the same `id` again is Teams delivering the same press twice. */
  teamsPress(
    from: TeamsPerson,
    press: { cardId: string; threadId: string; verb: string; data: object; id?: string },
  ): Promise<{ type: string; value: unknown }>;
  close(): Promise<void>;
}

let sequence = 0;
const nextId = () => `${1_910_000_000_000 + ++sequence}`;

export async function startTwoPlatforms(): Promise<TwoPlatforms> {
  const web = await new FakeSlackWebApi().start();
  const connector = await FakeBotConnector.start();
  const port = await freeLoopbackPort();
  const base = `http://127.0.0.1:${port}`;
  const stack = await startFullStack(
    {},
    {
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      SLACK_BOT_TOKEN: testBotToken,
      SLACK_SIGNING_SECRET: testSigningSecret,
      SLACK_API_URL: web.url,
      OFFBOARD_PARTNER_SLACK_USERS: partner.id,
      TEAMS_LOCAL: "1",
      OFFBOARD_PARTNER_TEAMS_USERS: "aad-pat",
    },
  );
  // The partner's own channel: Slack Connect is not needed, the customer works in Teams.
  web.channels.set(slackChannel, { id: slackChannel, is_ext_shared: false, is_shared: false, is_member: true });
  for (const p of [customer, bystander])
    connector.members.set(`29:${p.aad}`, { id: `29:${p.aad}`, name: p.name, aadObjectId: p.aad, tenantId: p.tenant });
  const deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
  const endpoint = `${base}/api/messages`;

  const activity = (from: TeamsPerson, conversationId: string, id: string, channel: string) => ({
    id,
    channelId: "msteams",
    serviceUrl: connector.url,
    timestamp: new Date().toISOString(),
    from: { id: `29:${from.aad}`, name: from.name, aadObjectId: from.aad },
    recipient: { id: "28:offboard-bot", name: "Offboard" },
    conversation: { id: conversationId, conversationType: "channel", isGroup: true, tenantId: from.tenant },
    channelData: { tenant: { id: from.tenant }, channel: { id: channel }, team: { id: "19:team@thread.tacv2" } },
  });
  const postActivity = async (body: object): Promise<unknown> => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    if (response.status !== 200) throw new Error(`the bot answered ${response.status}: ${await response.text()}`);
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  return {
    stack,
    deps,
    web,
    connector,
    slack: new SlackRequester(`${base}/slack/events`),
    base,
    async caseOf() {
      const id = await deps.cases.findByLocation({ platform: "slack", channelId: slackChannel });
      if (!id) throw new Error("no case in the Slack channel yet");
      return (await deps.cases.get(id))!;
    },
    async teamsSay(from, text, options = {}) {
      const id = options.id ?? nextId();
      const channel = options.channel ?? teamsChannel;
      const mentions = [...text.matchAll(/<at>([^<]+)<\/at>/g)].map((m) =>
        m[1] === "Offboard"
          ? { type: "mention", text: m[0], mentioned: { id: "28:offboard-bot", name: "Offboard" } }
          : {
              type: "mention",
              text: m[0],
              mentioned: [customer, bystander]
                .filter((p) => p.name === m[1])
                .map((p) => ({ id: `29:${p.aad}`, name: p.name, aadObjectId: p.aad }))[0],
            },
      );
      await postActivity({
        ...activity(from, `${channel};messageid=${options.threadId ?? id}`, id, channel),
        type: "message",
        text,
        textFormat: "plain",
        entities: mentions,
      });
      return id;
    },
    async teamsPress(from, press) {
      const id = press.id ?? nextId();
      return postActivity({
        ...activity(from, `${teamsChannel};messageid=${press.threadId}`, id, teamsChannel),
        type: "invoke",
        name: "adaptiveCard/action",
        replyToId: press.cardId,
        value: {
          action: { type: "Action.Execute", id: "a1", verb: press.verb, data: press.data },
          trigger: "manual",
        },
      }) as Promise<{ type: string; value: unknown }>;
    },
    async close() {
      await stack.stop();
      await connector.close();
      await web.close();
    },
  };
}

/** Waits for what happens after an answer was sent (Slack works after its ack), bounded at 20 s. */
export async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the Slack side shows: posts and their latest edits, ephemeral notices, direct messages. */
export class SlackSide {
  constructor(private readonly web: FakeSlackWebApi) {}

  private ok(method: string, where: (args: Record<string, unknown>) => boolean): RecordedCall[] {
    return this.web.history.filter((c) => c.method === method && c.result?.ok === true && where(c.args));
  }

  /** The posts in a thread (their latest text), oldest first. */
  thread(threadTs: string): { ts: string; text: string; call: RecordedCall }[] {
    const posts = this.ok("chat.postMessage", (a) => a.channel === slackChannel && a.thread_ts === threadTs).map(
      (call) => ({ ts: String(call.result?.ts), text: messageText(call.args), call }),
    );
    for (const post of posts) {
      const edits = this.ok("chat.update", (a) => a.ts === post.ts);
      if (edits.length) post.text = messageText(edits.at(-1)!.args);
    }
    return posts;
  }

  updatesOf(ts: string): RecordedCall[] {
    return this.ok("chat.update", (a) => a.ts === ts);
  }

  ephemeral(userId: string): string[] {
    return this.ok("chat.postEphemeral", (a) => a.user === userId).map((c) => messageText(c.args));
  }

  /** Direct messages to a user (`conversations.open` then a post there). */
  direct(userId: string): RecordedCall[] {
    const ims = this.ok("conversations.open", (a) => a.users === userId).map(
      (c) => (c.result?.channel as { id: string }).id,
    );
    return this.ok("chat.postMessage", (a) => ims.includes(String(a.channel)));
  }

  buttons(call: RecordedCall) {
    return buttonsOf(call.args);
  }
}

/** What the Teams side shows: the posts in a conversation (latest text of each), the 1:1 chats. */
export class TeamsSide {
  constructor(private readonly connector: FakeBotConnector) {}

  posts(conversationId: string): { id: string; text: string; call: ConnectorCall }[] {
    return this.connector.postsIn(conversationId).map((call) => {
      const edits = this.connector.calls.filter((c) => c.kind === "update" && c.activityId === call.activityId);
      const latest = edits.at(-1) ?? call;
      return { id: call.activityId, text: cardText(cardOf(latest)), call: latest };
    });
  }

  thread(where: ChatLocation): { id: string; text: string; call: ConnectorCall }[] {
    return this.posts(`${where.channelId};messageid=${where.threadId}`);
  }

  updatesOf(activityId: string): ConnectorCall[] {
    return this.connector.calls.filter((c) => c.kind === "update" && c.activityId === activityId);
  }

  /** The person's 1:1 chat with the bot (created by the bot), its posts. */
  direct(person: TeamsPerson): ConnectorCall[] {
    const chats = this.connector.calls
      .filter((c) => c.kind === "create" && !c.refused)
      .filter((c) => (c.body as { members?: { id: string }[] }).members?.[0]?.id === `29:${person.aad}`)
      .map((c) => c.conversationId);
    return this.connector.calls.filter(
      (c) => (c.kind === "send" || c.kind === "reply") && chats.includes(c.conversationId),
    );
  }

  actions(call: ConnectorCall) {
    return executeActions(cardOf(call));
  }
}

/** The one-time code in the partner's `link` notice ("… `K7QX-3MPD` …"). */
export function linkCodeIn(text: string): string | undefined {
  return /`([0-9A-Z]{4}-[0-9A-Z]{4})`/.exec(text)?.[1];
}

/** `/offboard start` by the partner in the Slack channel; the case's thread (its case card's ts) once it is posted. */
export async function startSlackCase(two: TwoPlatforms): Promise<string> {
  expect((await two.slack.command(partner, slackChannel, "start")).status).toBe(200);
  const value = await eventually(
    () => two.caseOf().catch(() => undefined),
    (c) => Boolean(c?.caseMessage),
    "the case",
  );
  return value!.caseMessage!.messageId;
}

/** `link` by the partner in the Slack case thread; the code and every private notice since, once it arrives. */
export async function linkFromSlack(
  two: TwoPlatforms,
  slack: SlackSide,
  threadTs: string,
): Promise<{ code: string; notices: string[] }> {
  const before = slack.ephemeral(partner.id).length;
  await two.slack.mention(partner, slackChannel, "link", threadTs);
  const notices = await eventually(
    () => slack.ephemeral(partner.id).slice(before),
    (n) => n.some((t) => linkCodeIn(t) !== undefined),
    "the link code",
  );
  return { code: linkCodeIn(notices.find((t) => linkCodeIn(t))!)!, notices };
}

/** A case opened by the partner in Slack and joined from the customer's Teams channel; both threads. */
export async function startLinkedCase(
  two: TwoPlatforms,
  slack: SlackSide,
): Promise<{ threadTs: string; teamsThreadId: string }> {
  const threadTs = await startSlackCase(two);
  const { code } = await linkFromSlack(two, slack, threadTs);
  await two.teamsSay(customer, `<at>Offboard</at> join ${code}`);
  return { threadTs, teamsThreadId: (await two.caseOf()).homes![0].caseMessage!.messageId };
}
