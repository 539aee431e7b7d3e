/**
 * Slack ack benchmark: how fast the running app answers Slack, against a bare Bolt app that only acks
 * (the floor on this machine), side by side in one run. Both are real Bolt ExpressReceivers on
 * 127.0.0.1; the app runs the real conversation on the real Redis (REDIS_URL) with the Web API faked
 * on loopback. Requests are signed, a mix of `/offboard status` commands and "Fill in a form" presses.
 *
 *   1. fixed rate: 100 requests/s for 3 s to each, both at once → p50/p99 from send to HTTP answer
 *      (goal p99 < 100 ms);
 *   2. throughput: 50 requests in flight, 500 requests or 5 s, whichever first, three alternating rounds
 *      per app, median (goal ≥ 0.5× bare).
 *
 * Run alone: `npx tsx bench/slack-ack.ts`.
 */
import { App, ExpressReceiver } from "@slack/bolt";
import express from "express";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createRedis } from "../adapters/redis/connection";
import { RedisIdempotencyStore } from "../adapters/redis/idempotency-store";
import { createSlackAdapter, slackEventsPath } from "../adapters/slack";
import { systemClock } from "../src/clock";
import { ChatRouter } from "../src/conversation/chat-router";
import { OffboardConversation } from "../src/conversation/offboard-conversation";
import {
  SlackRequester,
  testBotToken,
  testSigningSecret,
  type SlackAnswer,
  type SlackTestUser,
} from "../test/support/slack-requests";
import { fakeBot } from "../test/support/slack-web-api";
import { Worker } from "node:worker_threads";
import { testAuditKeys } from "../test/support/audit-keys";
import { deleteKeysWithPrefix } from "../test/support/redis";

const rate = 100;
const rateSeconds = 3;
const inFlight = 50;
const throughputCount = 500;
const throughputSeconds = 5;
/**
 * Throughput is measured in alternating rounds (bare, app, bare, app …) and the median taken, so a burst of other load
 * on the machine hits both.
 */
const throughputRounds = 3;

const partner: SlackTestUser = { id: "UBENCHPARTNER", teamId: fakeBot.teamId, name: "bench.partner" };
const channel = "CBENCH1";

type Request = (slack: SlackRequester) => Promise<SlackAnswer>;

/**
 * Slack's Web API for the bench, on its own thread: in production Slack's servers are not on our CPU,
 * so the stand-in must not eat the app's event loop either. Plain JavaScript (a worker has no tsx); it
 * answers the methods the measured requests call and counts them.
 */
const remoteWebApiSource = `
const { parentPort } = require("node:worker_threads");
const http = require("node:http");
const counts = {};
let ts = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const method = (req.url || "").replace(/^\\/api\\//, "").split("?")[0];
    counts[method] = (counts[method] || 0) + 1;
    const args = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const next = () => "1760000000." + String(++ts).padStart(6, "0");
    const answers = {
      "auth.test": { ok: true, team_id: "${fakeBot.teamId}", user_id: "${fakeBot.userId}", bot_id: "${fakeBot.botId}" },
      "conversations.info": { ok: true, channel: { id: args.get("channel"), is_channel: true, is_member: true, is_ext_shared: true, is_shared: true } },
      "chat.postMessage": { ok: true, channel: args.get("channel"), ts: next() },
      "chat.update": { ok: true, channel: args.get("channel"), ts: args.get("ts") },
      "chat.postEphemeral": { ok: true, message_ts: next() },
      "views.open": { ok: true, view: { id: "V" + ts } },
    };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answers[method] || { ok: false, error: "unknown_method" }));
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m === "counts") parentPort.postMessage({ counts });
  if (m === "close") { server.closeAllConnections(); server.close(() => process.exit(0)); }
});
`;

export interface RemoteWebApi {
  url: string;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startRemoteWebApi(): Promise<RemoteWebApi> {
  const worker = new Worker(remoteWebApiSource, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port: number }) => resolve(m.port));
    worker.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}/api/`,
    counts: () =>
      new Promise((resolve) => {
        worker.once("message", (m: { counts: Record<string, number> }) => resolve(m.counts));
        worker.postMessage("counts");
      }),
    close: async () => {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("close");
      await exited;
    },
  };
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${slackEventsPath}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** `rate` requests a second for `seconds`, each sent on schedule whatever the answers do. */
async function fixedRate(
  slack: SlackRequester,
  mix: Request[],
): Promise<{ p50: number; p99: number; max: number; failed: number }> {
  const total = rate * rateSeconds;
  const started = performance.now();
  const pending: Promise<SlackAnswer>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(mix[i % mix.length](slack));
  }
  const answers = await Promise.all(pending);
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1],
    failed: answers.filter((a) => a.status !== 200).length,
  };
}

/** `inFlight` requests at a time until `throughputCount` are answered or `throughputSeconds` pass. */
async function throughput(
  slack: SlackRequester,
  mix: Request[],
): Promise<{ perSecond: number; answered: number; failed: number }> {
  let sent = 0;
  let answered = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + throughputSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (sent < throughputCount && performance.now() < deadline) {
      const i = sent++;
      const answer = await mix[i % mix.length](slack);
      answered += 1;
      if (answer.status !== 200) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { perSecond: answered / ((performance.now() - started) / 1000), answered, failed };
}

export async function benchSlackAck(): Promise<Record<string, number | string>> {
  const web = await startRemoteWebApi();
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { name: "offboard-bench" });
  const prefix = `bench:slack-ack:${randomBytes(4).toString("hex")}:`;
  const servers: Server[] = [];
  try {
    // The running app: real adapter, real conversation, real Redis stores.
    const adapter = createSlackAdapter({
      botToken: testBotToken,
      signingSecret: testSigningSecret,
      apiUrl: web.url,
      partnerUsers: [partner.id],
      redis,
      prefix,
    });
    const cases = new RedisCaseStore(redis, prefix);
    adapter.attach(
      new OffboardConversation({
        cases,
        audit: new RedisAuditLog(redis, prefix, testAuditKeys),
        chat: new ChatRouter({ slack: adapter.chat }),
        idempotency: new RedisIdempotencyStore(redis, prefix),
        partners: adapter.partners,
        clock: systemClock,
      }),
    );
    const appExpress = express();
    appExpress.use(adapter.router);
    const full = await listen(appExpress);
    servers.push(full.server);
    const slack = new SlackRequester(full.url);

    // The floor: Bolt with the same receiver settings and listeners that only ack.
    const bareReceiver = new ExpressReceiver({
      signingSecret: testSigningSecret,
      endpoints: slackEventsPath,
      processBeforeResponse: false,
    });
    const bare = new App({
      receiver: bareReceiver,
      authorize: async () => ({
        botToken: testBotToken,
        botId: fakeBot.botId,
        botUserId: fakeBot.userId,
        teamId: fakeBot.teamId,
      }),
    });
    bare.command("/offboard", async ({ ack }) => ack());
    bare.action({ type: "block_actions" }, async ({ ack }) => ack());
    const bareExpress = express();
    bareExpress.use(bareReceiver.router);
    const floor = await listen(bareExpress);
    servers.push(floor.server);
    const bareSlack = new SlackRequester(floor.url);

    // A case to talk about: its case message carries the "Fill in a form instead" button.
    await slack.command(partner, channel, "start");
    await adapter.idle();
    const caseId = await cases.findByLocation({ platform: "slack", channelId: channel });
    const opened = caseId ? await cases.get(caseId) : undefined;
    if (!opened?.caseMessage) throw new Error("the bench case did not open");
    // The case message's first button is "Fill in a form instead" (Slack action id `ticket.form#0`).
    const press = {
      actionId: "ticket.form#0",
      value: opened.id,
      channelId: channel,
      messageTs: opened.caseMessage.messageId,
    };
    const mix: Request[] = [(s) => s.command(partner, channel, "status"), (s) => s.press(partner, press)];

    // Warm both (connections, JIT, auth.test) before measuring.
    await Promise.all(Array.from({ length: 20 }, (_, i) => mix[i % 2](slack)));
    await Promise.all(Array.from({ length: 20 }, (_, i) => mix[i % 2](bareSlack)));
    await adapter.idle();
    const countsBefore = await web.counts();

    // Both at 100/s at the same time, so whatever else the machine does hits both alike.
    const [bareRate, appRate] = await Promise.all([fixedRate(bareSlack, mix), fixedRate(slack, mix)]);
    const drainStarted = performance.now();
    await adapter.idle();
    const drainMs = performance.now() - drainStarted;
    const countsAfter = await web.counts();
    const workDone = ["chat.postEphemeral", "views.open"].reduce(
      (n, m) => n + (countsAfter[m] ?? 0) - (countsBefore[m] ?? 0),
      0,
    );

    const bareRounds: number[] = [];
    const appRounds: number[] = [];
    const completedRounds: number[] = [];
    let failedInRounds = 0;
    for (let round = 0; round < throughputRounds; round++) {
      const bareRound = await throughput(bareSlack, mix);
      const appStarted = performance.now();
      const appRound = await throughput(slack, mix);
      await adapter.idle();
      bareRounds.push(bareRound.perSecond);
      appRounds.push(appRound.perSecond);
      // Acks answered is not work done: this counts each request through to its Web API call.
      completedRounds.push(appRound.answered / ((performance.now() - appStarted) / 1000));
      failedInRounds += bareRound.failed + appRound.failed;
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const bareThroughput = { perSecond: median(bareRounds) };
    const appThroughput = { perSecond: median(appRounds) };
    const appCompletedPerSecond = median(completedRounds);
    await adapter.stop();

    return {
      // Other processes on the machine share the CPUs with both apps: the figures are only as quiet as the machine.
      "machine load (1 min avg) / CPUs": `${loadavg()[0].toFixed(2)} / ${cpus().length}`,
      "app ack p50 ms (100/s)": round(appRate.p50),
      "app ack p99 ms (100/s)": round(appRate.p99),
      "app ack max ms (100/s)": round(appRate.max),
      "bare ack p50 ms (100/s)": round(bareRate.p50),
      "bare ack p99 ms (100/s)": round(bareRate.p99),
      "app work done after acks (of 300)": workDone,
      "app work drained after the last ack ms": round(drainMs),
      "app throughput req/s (50 in flight, median of 3)": round(appThroughput.perSecond),
      "app requests completed incl. work after ack /s": round(appCompletedPerSecond),
      "bare throughput req/s (50 in flight, median of 3)": round(bareThroughput.perSecond),
      "throughput app/bare": Math.round((appThroughput.perSecond / bareThroughput.perSecond) * 100) / 100,
      "non-200 answers": appRate.failed + bareRate.failed + failedInRounds,
      verdict:
        appRate.p99 < 100 && appThroughput.perSecond >= 0.5 * bareThroughput.perSecond ? "goals met" : "goal missed",
    };
  } finally {
    for (const server of servers) await close(server);
    await web.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}

if (require.main === module) {
  benchSlackAck().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
