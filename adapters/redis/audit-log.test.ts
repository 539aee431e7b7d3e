import type Redis from "ioredis";
import { auditKey, auditKeyring } from "../../src/audit/audit-key";
import { verifyChain } from "../../src/audit/chain";
import type { Identity } from "../../src/identity";
import { forgeTrail } from "../../test/support/audit-forgery";
import { testAuditKeys } from "../../test/support/audit-keys";
import { testRedis, testRedisUrl } from "../../test/support/redis";
import { RedisAuditLog, verifyCaseAudit } from "./audit-log";
import { createRedis } from "./connection";
import { RedisKeys } from "./keys";

const customer: Identity = { platform: "slack", userId: "U0CUSTOMER", teamId: "T0CUSTOMER", name: "Casey" };

/** A clock that moves one second per reading, so events have distinct, predictable times. */
function steppingClock(start = Date.UTC(2026, 2, 1, 9, 0, 0)) {
  let now = start;
  return { now: () => new Date((now += 1000)) };
}

type StreamEntry = [string, string[]];

/**
 * What someone with write access to Redis could do: streams cannot be edited in place, so rebuild
 * the stream with the same entry ids and one entry changed.
 */
async function rewriteEntry(
  redis: Redis,
  key: string,
  index: number,
  edit: (fields: Record<string, string>) => void,
): Promise<void> {
  const entries = (await redis.xrange(key, "-", "+")) as StreamEntry[];
  await redis.del(key);
  for (const [i, [id, flat]] of entries.entries()) {
    const fields: Record<string, string> = {};
    for (let f = 0; f < flat.length; f += 2) fields[flat[f]] = flat[f + 1];
    if (i === index) edit(fields);
    await redis.xadd(key, id, ...Object.entries(fields).flat());
  }
}

describe("RedisAuditLog", () => {
  const { redis, prefix, cleanup } = testRedis("audit-log");
  const log = new RedisAuditLog(redis, prefix, testAuditKeys, steppingClock());
  const extraConnections: Redis[] = [];

  afterAll(async () => {
    for (const connection of extraConnections) connection.disconnect();
    await cleanup();
  });

  async function caseWithEvents(caseId: string, n: number) {
    for (let i = 0; i < n; i++)
      await log.append({ caseId, actor: i === 0 ? customer : "system", action: `step.${i}`, payload: { step: i } });
  }

  it("appends chained events and reads them back oldest first, exactly as appended", async () => {
    const first = await log.append({
      caseId: "OFB-2026-0001",
      actor: customer,
      party: "customer",
      action: "case.created",
      payload: { customerName: "Acme", accounts: ["123456789012"] },
    });
    const second = await log.append({ caseId: "OFB-2026-0001", actor: "system", action: "ticket.asked" });
    expect(first).toMatchObject({
      caseId: "OFB-2026-0001",
      actor: "slack:U0CUSTOMER@T0CUSTOMER",
      party: "customer",
      action: "case.created",
      prevHash: "",
    });
    expect(first.payload).toEqual({ accounts: ["123456789012"], customerName: "Acme" });
    expect(second.prevHash).toBe(first.hash);
    expect(second.payload).toBeUndefined();
    expect(Date.parse(second.at)).toBeGreaterThan(Date.parse(first.at));
    expect(await log.read("OFB-2026-0001")).toEqual([first, second]);
    expect(await log.head("OFB-2026-0001")).toBe(second.hash);
  });

  it("reads an unknown case as an empty, valid trail", async () => {
    expect(await log.read("OFB-1999-0001")).toEqual([]);
    expect(await verifyCaseAudit(log, "OFB-1999-0001")).toEqual({ ok: true, count: 0 });
  });

  it("verifies an intact trail", async () => {
    await caseWithEvents("OFB-2026-0002", 6);
    expect(await verifyCaseAudit(log, "OFB-2026-0002")).toEqual({ ok: true, count: 6 });
  });

  it("reads the newest events across cases, newest last, with the ids of their case streams", async () => {
    const { redis: own, prefix: ownPrefix, cleanup: ownCleanup } = testRedis("audit-global");
    try {
      const global = new RedisAuditLog(own, ownPrefix, testAuditKeys, steppingClock());
      const a1 = await global.append({ caseId: "OFB-2026-0101", actor: "system", action: "case.created" });
      const b1 = await global.append({ caseId: "OFB-2026-0102", actor: "system", action: "case.created" });
      const a2 = await global.append({
        caseId: "OFB-2026-0101",
        actor: customer,
        party: "customer",
        action: "signoff.recorded",
        payload: { hash: "abc" },
      });
      expect(await global.readGlobal()).toEqual([a1, b1, a2]);
      expect(await global.readGlobal(2)).toEqual([b1, a2]);
    } finally {
      await ownCleanup();
    }
  });

  it("keeps one valid chain under 20 concurrent appends to one case from one process", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        log.append({ caseId: "OFB-2026-0003", actor: "system", action: `aws.step.${i}` }),
      ),
    );
    const events = await log.read("OFB-2026-0003");
    expect(events).toHaveLength(20);
    expect(new Set(events.map((e) => e.action)).size).toBe(20);
    expect(await verifyCaseAudit(log, "OFB-2026-0003")).toEqual({ ok: true, count: 20 });
  });

  it("keeps one valid chain under 20 concurrent appends to one case from four processes", async () => {
    const connections = Array.from({ length: 4 }, (_, i) => createRedis(testRedisUrl, { name: `audit-test-${i}` }));
    extraConnections.push(...connections);
    const processes = connections.map((connection) => new RedisAuditLog(connection, prefix, testAuditKeys));
    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        processes[i % processes.length].append({ caseId: "OFB-2026-0004", actor: "system", action: `aws.step.${i}` }),
      ),
    );
    const events = await log.read("OFB-2026-0004");
    expect(events).toHaveLength(20);
    expect(new Set(events.map((e) => e.prevHash)).size).toBe(20);
    expect(verifyChain(events, testAuditKeys)).toEqual({ ok: true, count: 20 });
    expect(events.map((e) => e.hash).sort()).toEqual(appended.map((e) => e.hash).sort());
  });

  it("catches an event whose action was rewritten in Redis", async () => {
    await caseWithEvents("OFB-2026-0005", 5);
    const before = await log.read("OFB-2026-0005");
    await rewriteEntry(
      redis,
      new RedisKeys(prefix).caseAudit("OFB-2026-0005"),
      2,
      (fields) => (fields.action = "signoff.recorded"),
    );
    expect(await verifyCaseAudit(log, "OFB-2026-0005")).toMatchObject({
      ok: false,
      index: 2,
      eventId: before[2].id,
      reason: expect.stringContaining("edited"),
    });
  });

  it("catches an event whose payload was rewritten in Redis", async () => {
    await caseWithEvents("OFB-2026-0006", 5);
    await rewriteEntry(
      redis,
      new RedisKeys(prefix).caseAudit("OFB-2026-0006"),
      3,
      (fields) => (fields.payload = JSON.stringify({ step: 99 })),
    );
    expect(await verifyCaseAudit(log, "OFB-2026-0006")).toMatchObject({
      ok: false,
      index: 3,
      reason: expect.stringContaining("payload"),
    });
  });

  it("catches a deleted event at the event that followed it", async () => {
    await caseWithEvents("OFB-2026-0007", 5);
    const before = await log.read("OFB-2026-0007");
    expect(await redis.xdel(new RedisKeys(prefix).caseAudit("OFB-2026-0007"), before[1].id)).toBe(1);
    expect(await verifyCaseAudit(log, "OFB-2026-0007")).toMatchObject({
      ok: false,
      index: 1,
      eventId: before[2].id,
      reason: expect.stringContaining("deleted"),
    });
  });

  it("catches the newest event deleted, which the chain alone cannot see, against the recorded head", async () => {
    await caseWithEvents("OFB-2026-0008", 4);
    const before = await log.read("OFB-2026-0008");
    await redis.xdel(new RedisKeys(prefix).caseAudit("OFB-2026-0008"), before[3].id);
    expect(verifyChain(await log.read("OFB-2026-0008"), testAuditKeys)).toEqual({ ok: true, count: 3 });
    expect(await verifyCaseAudit(log, "OFB-2026-0008")).toMatchObject({
      ok: false,
      index: 3,
      reason: expect.stringContaining("deleted"),
    });
  });

  it("catches a sign-off rewritten by a writer with Redis access who recomputes the whole chain and head without the key", async () => {
    const caseId = "OFB-2026-0010";
    await log.append({ caseId, actor: "system", action: "case.created" });
    await log.append({
      caseId,
      actor: customer,
      party: "customer",
      action: "signoff.recorded",
      payload: { hash: "a1" },
    });
    await log.append({ caseId, actor: "system", action: "case.approved" });
    const before = await log.read(caseId);
    await forgeTrail(redis, prefix, caseId, (fields) => {
      if (fields.action === "signoff.recorded") fields.actor = "slack:U0INTRUDER@T0PARTNER";
    });
    const forged = await log.read(caseId);
    expect(forged[1].actor).toBe("slack:U0INTRUDER@T0PARTNER");
    expect(await verifyCaseAudit(log, caseId)).toMatchObject({ ok: false, index: 0, eventId: before[0].id });
    expect(await log.readVerified(caseId)).toMatchObject({ events: forged, verification: { ok: false, index: 0 } });
  });

  it("hashes new events under the current key after a rotation and verifies the older ones with the previous key", async () => {
    const caseId = "OFB-2026-0011";
    const oldKey = auditKey(Buffer.alloc(32, 7));
    const before = new RedisAuditLog(redis, prefix, auditKeyring(oldKey), steppingClock());
    await before.append({ caseId, actor: "system", action: "case.created" });
    const rotated = new RedisAuditLog(redis, prefix, auditKeyring(testAuditKeys.current, [oldKey]), steppingClock());
    const after = await rotated.append({ caseId, actor: customer, party: "customer", action: "signoff.recorded" });
    expect(after.keyId).toBe(testAuditKeys.current.id);
    expect((await rotated.read(caseId)).map((e) => e.keyId)).toEqual([oldKey.id, testAuditKeys.current.id]);
    expect((await rotated.readVerified(caseId)).verification).toEqual({ ok: true, count: 2 });
    expect(await verifyCaseAudit(log, caseId)).toMatchObject({
      ok: false,
      index: 0,
      reason: expect.stringContaining(`audit key ${oldKey.id}`),
    });
  });

  it("reads a trail longer than one page whole and in order", async () => {
    await Promise.all(
      Array.from({ length: 1100 }, (_, i) =>
        log.append({ caseId: "OFB-2026-0009", actor: "system", action: "reminder.sent", payload: { n: i } }),
      ),
    );
    const events = await log.read("OFB-2026-0009");
    expect(events.map((e) => (e.payload as { n: number }).n)).toEqual(Array.from({ length: 1100 }, (_, i) => i));
    expect(verifyChain(events, testAuditKeys)).toEqual({ ok: true, count: 1100 });
  });
});
