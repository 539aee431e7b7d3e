import { randomBytes } from "node:crypto";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisKeys } from "../../adapters/redis/keys";
import type { Case } from "../../src/case";
import type { ChatLocation, Identity, Platform } from "../../src/identity";
import type { RunningOffboard } from "../../src/main";
import { testAuditKeys } from "../support/audit-keys";
import { FakeBotConnector } from "../support/bot-connector";
import type { ChatObserver } from "../support/chat-contract";
import {
  DemoObserver,
  SlackObserver,
  startAllPlatforms,
  TeamsObserver,
  type AllPlatforms,
} from "../support/chat-harnesses";
import { testRedis } from "../support/redis";
import { SlackRequester } from "../support/slack-requests";
import { FakeSlackWebApi } from "../support/slack-web-api";

/**
 * Every platform through the same door: Slack, Teams and the demo channel configured together in startOffboard (the
 * production wiring), the same words typed on each, the same outcome — the core's one reading rule, `export` as two
 * files, and a person's mistake answered differently from our failure.
 */
const { redis, cleanup } = testRedis("one-door");
let prefix: string;
let cases: RedisCaseStore;
const auditOf = (caseId: string) => new RedisAuditLog(redis, prefix, testAuditKeys).read(caseId);
let running: RunningOffboard;
let web: FakeSlackWebApi;
let connector: FakeBotConnector;
let base: string;
let seq = 0;

interface Door {
  platform: Platform;
  partner: Identity;
  /** A customer colleague: in the channel, no approver. */
  colleague: Identity;
  channel: ChatLocation;
  seen: ChatObserver;
  /**
   * Writes `text` as the partner (or `as`): addressed to the bot (mention or slash) or not, top level or in a
   * thread.
   */
  say(text: string, how: { mention: boolean; threadId?: string; as?: Identity }): Promise<void>;
}

const doors: Record<Platform, () => Door> = {
  slack: () => {
    const slack = new SlackRequester(`${base}/slack/events`);
    const user = { id: "UPARTNER1", teamId: "TPARTNER", name: "pat.partner" };
    const colleague = { id: "UCOLIN1", teamId: "TACME", name: "colin" };
    const channel = { platform: "slack" as const, channelId: "CDOOR1", teamId: "TPARTNER" };
    web.channels.set(channel.channelId, { id: channel.channelId, is_ext_shared: true, is_shared: true });
    return {
      platform: "slack",
      partner: { platform: "slack", userId: user.id, teamId: user.teamId },
      colleague: { platform: "slack", userId: colleague.id, teamId: colleague.teamId },
      channel,
      seen: new SlackObserver(web),
      say: async (text, how) => {
        const who = how.as?.userId === colleague.id ? colleague : user;
        if (how.mention) await slack.mention(who, channel.channelId, text, how.threadId);
        else await slack.reply(who, channel.channelId, how.threadId!, text);
      },
    };
  },
  teams: () => {
    const seen = new TeamsObserver(connector);
    const partner = { platform: "teams" as const, userId: "aad-pat", teamId: "tenant-partner", name: "Pat" };
    return {
      platform: "teams",
      partner,
      colleague: seen.other,
      channel: seen.channel,
      seen,
      say: async (text, how) => {
        const from = how.as ?? partner;
        const id = `${1_900_000_000_000 + ++seq}`;
        const conversationId = `${seen.channel.channelId};messageid=${how.threadId ?? id}`;
        const bot = { id: "28:offboard-bot", name: "Offboard" };
        const response = await fetch(`${base}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            type: "message",
            id,
            channelId: "msteams",
            serviceUrl: connector.url,
            timestamp: new Date().toISOString(),
            from: { id: `29:${from.userId}`, name: from.name, aadObjectId: from.userId },
            recipient: bot,
            conversation: { id: conversationId, conversationType: "channel", isGroup: true },
            channelData: { tenant: { id: from.teamId }, channel: { id: seen.channel.channelId } },
            text: how.mention ? `<at>Offboard</at> ${text}` : text,
            textFormat: "plain",
            entities: how.mention ? [{ type: "mention", text: "<at>Offboard</at>", mentioned: bot }] : [],
          }),
          signal: AbortSignal.timeout(10_000),
        });
        expect(response.status).toBeLessThan(300);
      },
    };
  },
  web: () => {
    const seen = new DemoObserver(base);
    return {
      platform: "web",
      partner: { platform: "web", userId: "U-PAT", teamId: "T-PARTNER", name: "Pat Morgan" },
      colleague: { platform: "web", userId: "U-DEV", teamId: "T-CUSTOMER", name: "Dev Patel" },
      channel: seen.channel,
      seen,
      say: async (text, how) => {
        const response = await fetch(`${base}/demo/api/message`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            user: how.as?.userId ?? "U-PAT",
            text: how.mention ? `@Offboard ${text}` : text,
            threadId: how.threadId,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        // Our failure comes back as a 500 with the apology; every other answer is 200.
        expect([200, 500]).toContain(response.status);
      },
    };
  },
};

let all: AllPlatforms;

beforeAll(async () => {
  all = await startAllPlatforms("one-door");
  ({ running, web, connector, base, prefix } = all);
  cases = new RedisCaseStore(redis, prefix);
  await new TeamsObserver(connector).introduce(`${base}/api/messages`);
}, 30_000);

afterAll(async () => {
  await all.close();
  await cleanup();
});

/** Waits for what Slack does after its ack (the other platforms answer within the request). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function caseIn(door: Door): Promise<Case> {
  const id = await eventually(
    () => cases.findByLocation({ ...door.channel, threadId: undefined }),
    Boolean,
    `a case in ${door.channel.channelId}`,
  );
  return (await cases.get(id!))!;
}

describe.each(["slack", "teams", "web"] as const)("one door on %s", (platform) => {
  let door: Door;
  let value: Case;
  let thread: ChatLocation;

  beforeAll(async () => {
    door = doors[platform]();
    await door.say("start", { mention: true });
    value = await caseIn(door);
    thread = { ...door.channel, threadId: value.caseMessage!.messageId };
  });

  it("reads `@Offboard Acme Corp` in the case thread as the answer to the open question, as everywhere", async () => {
    await door.say("Acme Corp", { mention: true, threadId: thread.threadId });
    const answered = await eventually(
      () => cases.get(value.id),
      (c) => c?.customerName === "Acme Corp",
      "the customer name",
    );
    expect(answered!.ticket.answers.customerName).toBe("Acme Corp");
  });

  it("reads a plain `help` in the case thread as the command, without a mention", async () => {
    await door.say("help", { mention: false, threadId: thread.threadId });
    const notices = await eventually(
      () => door.seen.privateNotices(thread, door.partner),
      (n) => n.some((t) => t.includes("Offboard commands")),
      "the list of commands",
    );
    expect(notices.some((t) => t.includes("retry <account>"))).toBe(true);
  });

  it("answers a person's mistake privately with what to do instead, and never as a failure", async () => {
    await door.say("retry 12345", { mention: true, threadId: thread.threadId });
    const notices = await eventually(
      () => door.seen.privateNotices(thread, door.partner),
      (n) => n.some((t) => t.includes("12-digit")),
      "the mistake's answer",
    );
    const answer = notices.find((t) => t.includes("12-digit"))!;
    expect(answer).toMatch(/use `?retry <account>`? with the 12-digit ID/);
    expect(notices.join("\n")).not.toMatch(/reference [0-9a-f]{8}/);
  });

  it("refuses `run` from someone who is not a partner member, privately, naming who may, audited", async () => {
    await door.say("run", { mention: true, threadId: thread.threadId, as: door.colleague });
    const notices = await eventually(
      () => door.seen.privateNotices(thread, door.colleague),
      (n) => n.some((t) => /only a partner member can run the handoff/i.test(t)),
      "the refusal",
    );
    expect(notices.length).toBeGreaterThan(0);
    const events = await auditOf(value.id);
    expect(events.filter((e) => e.action === "run.denied").map((e) => e.actor)).toEqual([
      `${platform}:${door.colleague.userId}@${door.colleague.teamId}`,
    ]);
    expect((await door.seen.messages(thread, door.partner)).map((m) => m.text).join()).not.toMatch(/only a partner/i);
  });

  it("exports two files, <case>.json and <case>.md, to the requester alone where the platform can, and one line", async () => {
    await door.say("export", { mention: true, threadId: thread.threadId });
    const files = await eventually(
      () => door.seen.files(thread, door.partner),
      (f) => f.length >= 2,
      "the export files",
    );
    expect(files.map((f) => f.filename).sort()).toEqual([`${value.id}.json`, `${value.id}.md`]);
    const json = JSON.parse(files.find((f) => f.filename.endsWith(".json"))!.content) as { case: { id: string } };
    expect(json.case.id).toBe(value.id);
    const messages = await eventually(
      () => door.seen.messages(thread, door.partner),
      (m) => m.some((x) => x.text.includes("exported")),
      "the line about the export",
    );
    expect(messages.find((m) => m.text.includes("exported"))!.text.length).toBeLessThan(300);
    if (running.chat.capabilities(platform).privateUploads) {
      const other = platform === "teams" ? door.seen.other : door.seen.person;
      expect(await door.seen.files(thread, other)).toEqual([]);
    }
  });

  it("answers our own failure with an apology and a reference, never the internal message", async () => {
    // The case's stored document is unreadable: the request fails on our side, not the person's.
    const key = new RedisKeys(prefix).case(value.id);
    const stored = await redis.hget(key, "json");
    await redis.hset(key, "json", "{ not json at all");
    try {
      const before = (await door.seen.privateNotices(thread, door.partner)).length;
      await door.say("status", { mention: true, threadId: thread.threadId });
      if (platform === "web") return; // the demo page gets the apology as the request's 500 answer (below)
      const said = await eventually(
        async () => [
          ...(await door.seen.privateNotices(thread, door.partner)).slice(before),
          ...(await door.seen.messages(thread, door.partner)).map((m) => m.text),
        ],
        (texts) => texts.some((t) => /reference [0-9a-f]{8}/.test(t)),
        "the apology",
      );
      expect(said.join("\n")).not.toMatch(/Unexpected token|not json|SyntaxError/);
    } finally {
      await redis.hset(key, "json", stored!);
    }
  });
});

describe("the demo page's own failure answer", () => {
  it("is the apology with a reference, with status 500", async () => {
    const channel = { platform: "web" as const, channelId: "C-DEMO" };
    const id = (await cases.findByLocation(channel))!;
    const key = new RedisKeys(prefix).case(id);
    const stored = await redis.hget(key, "json");
    await redis.hset(key, "json", "{ not json at all");
    try {
      const response = await fetch(`${base}/demo/api/message`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "U-PAT", text: "/offboard status", requestId: randomBytes(4).toString("hex") }),
      });
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: string };
      expect(body.error).toMatch(/reference [0-9a-f]{8}/);
      expect(body.error).not.toMatch(/JSON|Unexpected token/);
    } finally {
      await redis.hset(key, "json", stored!);
    }
  });
});
