import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import type { Case } from "../../src/case";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { validTicketAnswers } from "../support/ticket-answers";
import { startPrivateRedis, type PrivateRedis } from "./private-redis";

/**
 * Redis crashes in the middle of a case (SIGKILL: no shutdown, no last save) and comes back from its
 * append-only file. Everything acknowledged before the crash must still be there, the bot must find
 * Redis again without being restarted, and the queued work (BullMQ) must carry on.
 */
let redis: PrivateRedis;
let stack: FullStack;
let deps: ConversationDeps;

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startFullStack({}, { REDIS_URL: redis.url });
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
}, 30_000);

afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
}, 30_000);

const answers = validTicketAnswers(
  { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
  "222222222222 444444444444",
);

async function readyStatus(): Promise<number> {
  try {
    const answer = await fetch(`http://127.0.0.1:${stack.bot.port}/readyz`, { signal: AbortSignal.timeout(3000) });
    return answer.status;
  } catch {
    return 0;
  }
}

/** Polls `/readyz` until it answers `status`; returns how long that took. */
async function waitForReadiness(status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await readyStatus()) === status) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/readyz did not answer ${status} within ${timeoutMs} ms`);
}

describe("Redis killed and restarted from its AOF in the middle of a case", () => {
  it("loses no answer, audit event or version, reconnects by itself, and the plan still arrives", async () => {
    const channel = { platform: "web" as const, channelId: stack.channelId };
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "start",
      actor: people.partner,
      location: channel,
    });
    let value = await stack.caseOf();
    const half = Math.ceil(answers.length / 2);
    for (const answer of answers.slice(0, half)) await stack.reply(value, answer.text);

    const before: Case = await stack.caseOf();
    const auditBefore = await deps.audit.read(before.id);
    expect(Object.keys(before.ticket.answers)).toEqual(answers.slice(0, half).map((a) => a.field));
    expect(auditBefore.filter((e) => e.action === "ticket.answered")).toHaveLength(half);
    expect(await readyStatus()).toBe(200);

    const oldPid = redis.pid();
    // BullMQ workers print their reconnection errors to the console (they have no "error" listener):
    // expected while Redis is away, so kept out of the test output; anything else still shows.
    const consoleError = console.error;
    const quiet = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      if (!/ECONNREFUSED|Connection is closed|ECONNRESET/.test(String(args[0]))) consoleError(...args);
    });
    let reconnectMs: number;
    try {
      await redis.kill();
      // The bot notices: not ready while Redis is away.
      await waitForReadiness(503, 10_000);
      await redis.restart();
      expect(redis.pid()).not.toBe(oldPid);
      reconnectMs = await waitForReadiness(200, 15_000);
    } finally {
      quiet.mockRestore();
    }
    // ioredis backs off to at most 5 s between attempts; a reconnect should not take much longer.
    expect(reconnectMs).toBeLessThan(10_000);

    const after = await stack.caseOf();
    expect(after.version).toBe(before.version);
    expect(after.ticket).toEqual(before.ticket);
    expect(after).toEqual(before);
    const auditAfter = await deps.audit.read(before.id);
    expect(auditAfter).toEqual(auditBefore);
    expect(await verifyCaseAudit(deps.audit as RedisAuditLog, before.id)).toEqual({
      ok: true,
      count: auditBefore.length,
    });

    // Carry on where the ticket stopped, on the restarted Redis.
    for (const answer of answers.slice(half)) await stack.reply(value, answer.text);
    await stack.command(value, "assign aws <@U-ALEX|Alex Rivera>");
    value = await stack.waitFor(
      (c) => c.status === "awaiting_signoff",
      30_000,
      "the plan after the Redis restart (BullMQ reconnected)",
    );
    expect(value.accountPlans.map((a) => a.accountId).sort()).toEqual(["222222222222", "444444444444"]);
    expect(Object.keys(value.ticket.answers)).toEqual(
      expect.arrayContaining(answers.filter((a) => a.field !== "specialConsiderations").map((a) => a.field)),
    );
    expect(value.version).toBeGreaterThan(before.version);

    // The status is stored before the event is appended: wait (bounded) for the event too.
    let finalAudit = await deps.audit.read(value.id);
    for (let i = 0; i < 100 && !finalAudit.some((e) => e.action === "plan.ready"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      finalAudit = await deps.audit.read(value.id);
    }
    expect(finalAudit.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(finalAudit.map((e) => e.action)).toContain("plan.ready");
    expect(await verifyCaseAudit(deps.audit as RedisAuditLog, value.id)).toEqual({
      ok: true,
      count: finalAudit.length,
    });
  }, 60_000);
});
