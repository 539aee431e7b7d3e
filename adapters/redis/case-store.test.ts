import type Redis from "ioredis";
import { sampleAccountIds, sampleCase } from "../../bench/sample-case";
import type { Case, StepState } from "../../src/case";
import { planMatchesFingerprint } from "../../src/plan";
import { NotFoundError, VersionConflictError } from "../../src/errors";
import type { Identity } from "../../src/identity";
import { testRedis, testRedisUrl } from "../../test/support/redis";
import { CaseAlreadyExistsError, RedisCaseStore } from "./case-store";
import { createRedis } from "./connection";
import { RedisKeys } from "./keys";

const starter: Identity = { platform: "slack", userId: "U0CUSTOMER", teamId: "T0CUSTOMER", name: "Casey Customer" };

function newCase(id: string, createdAt = "2026-03-01T10:00:00.000Z"): Case {
  return {
    id,
    status: "collecting",
    locations: [{ platform: "slack", channelId: "C0SHARED", threadId: "1700000000.000100" }],
    ticket: { answers: {}, history: [], warnings: {} },
    accounts: [],
    members: { customer: [starter], aws: [] },
    signOffs: [],
    createdBy: starter,
    createdAt,
    updatedAt: createdAt,
    version: 0,
  };
}

describe("RedisCaseStore", () => {
  const { redis, prefix, cleanup } = testRedis("case-store");
  const fixedNow = new Date("2026-03-02T12:00:00.000Z");
  const store = new RedisCaseStore(redis, prefix, { clock: { now: () => fixedNow } });
  const extraConnections: Redis[] = [];

  afterAll(async () => {
    for (const connection of extraConnections) connection.disconnect();
    await cleanup();
  });

  it("allocates ids of the year in order, formatted OFB-<year>-<4 digits>", async () => {
    expect(await store.allocateId(2030)).toBe("OFB-2030-0001");
    expect(await store.allocateId(2030)).toBe("OFB-2030-0002");
    expect(await store.allocateId(2031)).toBe("OFB-2031-0001");
  });

  it("allocates 100 distinct ids under 100 concurrent calls", async () => {
    const ids = await Promise.all(Array.from({ length: 100 }, () => store.allocateId(2026)));
    expect(new Set(ids).size).toBe(100);
    expect([...ids].sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `OFB-2026-${String(i + 1).padStart(4, "0")}`),
    );
  });

  it("stores a new case at version 1 and reads it back whole", async () => {
    const created = await store.create({ ...newCase("OFB-2027-0001"), customerName: "Acme Corp" });
    expect(created.version).toBe(1);
    expect(await store.get("OFB-2027-0001")).toEqual(created);
  });

  it("refuses to create a case whose id exists, and keeps the stored one", async () => {
    await store.create({ ...newCase("OFB-2027-0002"), customerName: "First" });
    await expect(store.create({ ...newCase("OFB-2027-0002"), customerName: "Second" })).rejects.toBeInstanceOf(
      CaseAlreadyExistsError,
    );
    expect((await store.get("OFB-2027-0002"))?.customerName).toBe("First");
  });

  it("returns undefined for an unknown case and refuses to update one", async () => {
    expect(await store.get("OFB-1999-0001")).toBeUndefined();
    await expect(store.update("OFB-1999-0001", (c) => c)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("increments the version and sets updatedAt on every change", async () => {
    await store.create(newCase("OFB-2027-0003"));
    const once = await store.update("OFB-2027-0003", (c) => ({ ...c, customerName: "Acme" }));
    const twice = await store.update("OFB-2027-0003", (c) => ({ ...c, status: "planning" }));
    expect([once.version, twice.version]).toEqual([2, 3]);
    expect(twice.updatedAt).toBe(fixedNow.toISOString());
    expect(await store.get("OFB-2027-0003")).toEqual(twice);
    expect(twice).toMatchObject({ customerName: "Acme", status: "planning" });
  });

  it("keeps the id and version even when a change tries to rewrite them", async () => {
    await store.create(newCase("OFB-2027-0004"));
    const result = await store.update("OFB-2027-0004", (c) => ({
      ...c,
      id: "OFB-2027-9999",
      version: 42,
      customerName: "Acme",
    }));
    expect(result).toMatchObject({ id: "OFB-2027-0004", version: 2 });
    expect(await store.get("OFB-2027-9999")).toBeUndefined();
  });

  it("aborts the update, storing nothing, when the change throws", async () => {
    await store.create(newCase("OFB-2027-0005"));
    await expect(
      store.update("OFB-2027-0005", () => {
        throw new Error("answer refused");
      }),
    ).rejects.toThrow("answer refused");
    expect((await store.get("OFB-2027-0005"))?.version).toBe(1);
  });

  it("writes nothing and keeps the version when the change hands back the case unchanged", async () => {
    await store.create(newCase("OFB-2027-0070"));
    const same = await store.update("OFB-2027-0070", (c) => c);
    expect(same.version).toBe(1);
    expect((await store.get("OFB-2027-0070"))?.version).toBe(1);
  });

  it("loses no update with 50 concurrent writers on three connections changing different answers", async () => {
    await store.create(newCase("OFB-2027-0006"));
    const others = [
      createRedis(testRedisUrl, { name: "case-store-test-a" }),
      createRedis(testRedisUrl, { name: "case-store-test-b" }),
    ];
    extraConnections.push(...others);
    const stores = [store, ...others.map((connection) => new RedisCaseStore(connection, prefix))];
    await Promise.all(
      Array.from({ length: 50 }, (_, writer) =>
        stores[writer % stores.length].update("OFB-2027-0006", (c) => ({
          ...c,
          ticket: { ...c.ticket, answers: { ...c.ticket.answers, [`writer${writer}`]: `answer ${writer}` } },
        })),
      ),
    );
    const stored = await store.get("OFB-2027-0006");
    expect(stored?.version).toBe(51);
    expect(Object.keys(stored?.ticket.answers ?? {}).sort()).toEqual(
      Array.from({ length: 50 }, (_, w) => `writer${w}`).sort(),
    );
    expect(stored?.ticket.answers.writer17).toBe("answer 17");
  });

  it("gives up with VersionConflictError when every attempt loses to another writer", async () => {
    await store.create(newCase("OFB-2027-0007"));
    const impatient = new RedisCaseStore(redis, prefix, { maxAttempts: 1 });
    // Both updates read version 1 before either writes: the second compare-and-set must fail.
    const results = await Promise.allSettled([
      impatient.update("OFB-2027-0007", (c) => ({ ...c, customerName: "A" })),
      impatient.update("OFB-2027-0007", (c) => ({ ...c, customerName: "B" })),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(VersionConflictError);
    expect((await store.get("OFB-2027-0007"))?.version).toBe(2);
  });

  it("finds a case by its thread, and by its channel when the channel itself is bound", async () => {
    const thread = {
      platform: "teams" as const,
      channelId: "19:abc@thread.tacv2",
      threadId: "19:abc@thread.tacv2;messageid=171",
    };
    await store.bindLocation(thread, "OFB-2027-0001");
    expect(await store.findByLocation(thread)).toBe("OFB-2027-0001");
    expect(await store.findByLocation({ ...thread, threadId: "19:abc@thread.tacv2;messageid=999" })).toBeUndefined();
    expect(
      await store.findByLocation({ platform: "slack", channelId: thread.channelId, threadId: thread.threadId }),
    ).toBeUndefined();

    const caseChannel = { platform: "slack" as const, channelId: "C0CASE0042" };
    await store.bindLocation(caseChannel, "OFB-2027-0002");
    expect(await store.findByLocation(caseChannel)).toBe("OFB-2027-0002");
    expect(await store.findByLocation({ ...caseChannel, threadId: "1700000000.000200" })).toBe("OFB-2027-0002");

    await store.bindLocation({ ...caseChannel, threadId: "1700000000.000300" }, "OFB-2027-0003");
    expect(await store.findByLocation({ ...caseChannel, threadId: "1700000000.000300" })).toBe("OFB-2027-0003");
  });

  const progressOf = (accountId: string, state: StepState) => ({
    accountId,
    steps: { revoke_iam: state },
    updatedAt: fixedNow.toISOString(),
  });

  it("records the run's steps of 40 accounts at once without a conflict, and keeps them apart from the case's version", async () => {
    // A run starts (the document gets its execution) before any account reports a step.
    await store.create({ ...newCase("OFB-2027-0080"), execution: { startedAt: fixedNow.toISOString() } });
    const accounts = Array.from({ length: 40 }, (_, i) => String(200000000000 + i));
    const oneTry = new RedisCaseStore(redis, prefix, { maxAttempts: 1 });
    await Promise.all(
      accounts.map((accountId) =>
        oneTry.updateAccounts("OFB-2027-0080", [accountId], (c) => ({
          case: c,
          accounts: { [accountId]: { progress: progressOf(accountId, "done") } },
        })),
      ),
    );
    expect(Object.keys(await store.accountProgress("OFB-2027-0080", accounts)).sort()).toEqual(accounts);
    expect((await store.get("OFB-2027-0080"))!.version).toBe(1);
    const marked = await store.update("OFB-2027-0080", (c) => ({ ...c, status: "executing" }));
    expect(marked.version).toBe(2);
    expect(Object.keys(await store.accountProgress("OFB-2027-0080", accounts))).toHaveLength(40);
    const json = await redis.hget(new RedisKeys(prefix).case("OFB-2027-0080"), "json");
    expect(json!.length).toBeLessThan(2000);
  });

  it("still refuses a stale write of the same account's progress", async () => {
    await store.create({ ...newCase("OFB-2027-0081"), execution: { startedAt: fixedNow.toISOString() } });
    const oneTry = new RedisCaseStore(redis, prefix, { maxAttempts: 1 });
    const step = (state: StepState) =>
      oneTry.updateAccounts("OFB-2027-0081", ["222222222222"], (c) => ({
        case: c,
        accounts: { "222222222222": { progress: progressOf("222222222222", state) } },
      }));
    const results = await Promise.allSettled([step("running"), step("done")]);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(VersionConflictError) });
  });

  it("writes neither the document nor the account when the document moved in between", async () => {
    await store.create(newCase("OFB-2027-0082"));
    const key = new RedisKeys(prefix).case("OFB-2027-0082");
    const oneTry = new RedisCaseStore(redis, prefix, { maxAttempts: 1 });
    const attempt = oneTry.updateAccounts("OFB-2027-0082", ["222222222222"], (c) => {
      // Someone else's change reaches Redis between this attempt's read and its write (same connection, in order).
      void redis.hset(key, "version", "2", "json", JSON.stringify({ ...c, version: 2, customerName: "Meanwhile" }));
      return {
        case: { ...c, status: "planning" },
        accounts: { "222222222222": { progress: progressOf("222222222222", "running") } },
      };
    });
    await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.get("OFB-2027-0082")).toMatchObject({ status: "collecting", customerName: "Meanwhile" });
    expect(await redis.hexists(key, "progress:222222222222")).toBe(0);
  });

  it("stores each account's plan in its own field, deflated, and reads back only the accounts asked for", async () => {
    const now = fixedNow.toISOString();
    const ids = sampleAccountIds(3);
    const { value, accounts } = sampleCase("OFB-2027-0090", ids, now);
    await store.create(value, accounts);
    const key = new RedisKeys(prefix).case("OFB-2027-0090");
    expect((await redis.hkeys(key)).sort()).toEqual(
      ["json", "version", ...ids.flatMap((a) => [`plan:${a}`, `progress:${a}`])].sort(),
    );
    expect(await redis.hget(key, `plan:${ids[0]}`)).toMatch(/^deflate:/);
    expect(await redis.hget(key, `progress:${ids[0]}`)).toBe(JSON.stringify(accounts[ids[0]].progress));
    expect(await store.accountPlan("OFB-2027-0090", ids[1])).toEqual(accounts[ids[1]].plan);
    expect(await store.accountPlans("OFB-2027-0090", [ids[2], ids[0], "999999999999"])).toEqual([
      accounts[ids[2]].plan,
      accounts[ids[0]].plan,
    ]);
    expect(await store.accounts("OFB-2027-0090", [ids[1]], ["progress"])).toEqual({
      [ids[1]]: { progress: accounts[ids[1]].progress },
    });
    // The whole plan read back is the one the header's fingerprint covers.
    const header = (await store.get("OFB-2027-0090"))!.plan!;
    expect(planMatchesFingerprint(header, await store.accountPlans("OFB-2027-0090", ids))).toBe(true);
    expect(planMatchesFingerprint(header, await store.accountPlans("OFB-2027-0090", ids.slice(1)))).toBe(false);
  });

  it("removes a part set to undefined, and writes nothing (no new version) when nothing changed", async () => {
    const ids = sampleAccountIds(2);
    const { value, accounts } = sampleCase("OFB-2027-0091", ids, fixedNow.toISOString());
    await store.create(value, accounts);
    const unchanged = await store.updateAccounts("OFB-2027-0091", ids, (c, read) => ({
      case: { ...c },
      accounts: { [ids[0]]: { plan: read[ids[0]].plan } },
    }));
    expect(unchanged.case.version).toBe(1);
    const removed = await store.updateAccounts("OFB-2027-0091", [ids[0]], (c) => ({
      case: c,
      accounts: { [ids[0]]: { progress: undefined } },
    }));
    expect(removed.accounts[ids[0]]).toEqual({ plan: accounts[ids[0]].plan });
    expect(await redis.hexists(new RedisKeys(prefix).case("OFB-2027-0091"), `progress:${ids[0]}`)).toBe(0);
    expect(await redis.hexists(new RedisKeys(prefix).case("OFB-2027-0091"), `progress:${ids[1]}`)).toBe(1);
    expect((await store.get("OFB-2027-0091"))!.version).toBe(1);
  });

  it("drops the state of accounts no longer kept, only while the document is at the version given", async () => {
    const ids = sampleAccountIds(4);
    const { value, accounts } = sampleCase("OFB-2027-0092", ids, fixedNow.toISOString());
    await store.create(value, accounts);
    const key = new RedisKeys(prefix).case("OFB-2027-0092");
    // A newer write came first: nothing is dropped on the word of an older version.
    await store.update("OFB-2027-0092", (c) => ({ ...c, customerName: "Acme" }));
    expect(await store.dropOtherAccounts("OFB-2027-0092", 1, ids.slice(0, 2))).toBe(0);
    expect(await redis.hlen(key)).toBe(2 + 2 * ids.length);

    expect(await store.dropOtherAccounts("OFB-2027-0092", 2, ids.slice(0, 2))).toBe(4);
    expect((await redis.hkeys(key)).sort()).toEqual(
      ["json", "version", ...ids.slice(0, 2).flatMap((a) => [`plan:${a}`, `progress:${a}`])].sort(),
    );
    expect(await store.accountPlan("OFB-2027-0092", ids[0])).toEqual(accounts[ids[0]].plan);
    expect((await store.get("OFB-2027-0092"))!.customerName).toBe("Acme");
  });

  it("reads a case of 2,000 accounts without any account field: one HGET of the document", async () => {
    const ids = sampleAccountIds(2000);
    const { value, accounts } = sampleCase("OFB-2027-2000", ids, fixedNow.toISOString());
    await store.create(value, accounts);
    const small = sampleCase("OFB-2027-0202", sampleAccountIds(2), fixedNow.toISOString());
    await store.create(small.value, small.accounts);
    const key = new RedisKeys(prefix).case("OFB-2027-2000");
    const accountBytes =
      (await redis.hstrlen(key, `plan:${ids[0]}`)) + (await redis.hstrlen(key, `progress:${ids[0]}`));

    const watched = commandRecorder(redis);
    const counting = new RedisCaseStore(watched.redis, prefix);
    const large = await counting.get("OFB-2027-2000");
    const largeRead = watched.take();
    await counting.get("OFB-2027-0202");
    const smallRead = watched.take();

    expect(large).toEqual({ ...value, version: 1 });
    expect(largeRead.commands).toEqual([["hget", key, "json"]]);
    // What grows with the accounts is the ticket's list of their ids (twice: the answer and Case.accounts), about
    // 30 bytes an account; their plans and progress (~2,000 times `accountBytes`) are never read.
    expect(largeRead.bytes - smallRead.bytes).toBeLessThan(2000 * 32);
    expect(largeRead.bytes).toBeLessThan(accountBytes * 40);
  });
  it("lists case ids newest first", async () => {
    const { redis: own, prefix: ownPrefix, cleanup: ownCleanup } = testRedis("case-store-list");
    try {
      const listing = new RedisCaseStore(own, ownPrefix);
      await listing.create(newCase("OFB-2026-0002", "2026-02-01T00:00:00.000Z"));
      await listing.create(newCase("OFB-2026-0003", "2026-03-01T00:00:00.000Z"));
      await listing.create(newCase("OFB-2026-0001", "2026-01-01T00:00:00.000Z"));
      expect(await listing.list()).toEqual(["OFB-2026-0003", "OFB-2026-0002", "OFB-2026-0001"]);
    } finally {
      await ownCleanup();
    }
  });
});

/**
 * The Redis connection, watched: every command sent through it (name and arguments) and the bytes of every reply,
 * until `take()` hands them over and starts again.
 */
function commandRecorder(redis: Redis): {
  redis: Redis;
  take: () => { commands: unknown[][]; bytes: number };
} {
  let commands: unknown[][] = [];
  let bytes = 0;
  const size = (reply: unknown): number =>
    typeof reply === "string"
      ? Buffer.byteLength(reply)
      : Array.isArray(reply)
        ? reply.reduce((n: number, r) => n + size(r), 0)
        : 0;
  const watched = new Proxy(redis, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver);
      if (typeof member !== "function" || typeof property !== "string") return member;
      return async (...args: unknown[]) => {
        commands.push([property, ...args]);
        const reply = await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        bytes += size(reply);
        return reply;
      };
    },
  });
  return {
    redis: watched,
    take: () => {
      const taken = { commands, bytes };
      commands = [];
      bytes = 0;
      return taken;
    },
  };
}
