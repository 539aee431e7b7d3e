import { RedisCredentialLinkStore } from "../../adapters/redis/credential-link-store";
import type { DepositLink, RetrievalLink } from "../../src/credentials/credential-link";
import { testRedis } from "../support/redis";

const { redis, prefix, cleanup } = testRedis("credential-link-store");
const store = new RedisCredentialLinkStore(redis, prefix);
afterAll(cleanup);

const deposit = (accountId = "111111111111"): DepositLink => ({
  caseId: "OFB-2026-0001",
  accountId,
  requestedBy: { platform: "web", userId: "U-partner" },
  where: { platform: "web", channelId: "C-case" },
  expiresAt: new Date(Date.now() + 1800_000).toISOString(),
  approvalHash: "a".repeat(64),
  recipients: [{ platform: "web", userId: "U-recipient" }],
});

const retrieval = (overrides: Partial<RetrievalLink> = {}): RetrievalLink => ({
  caseId: "OFB-2026-0001",
  accountId: "111111111111",
  secretName: "offboard/OFB-2026-0001/111111111111/root",
  verifier: "ab".repeat(32),
  recipients: ["Casey Customer"],
  state: "open",
  createdAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  ...overrides,
});

describe("the Redis credential link store", () => {
  it("hands a deposit link out once, to exactly one of two submissions", async () => {
    await store.saveDeposit("d1", deposit(), 1800);
    expect(await store.getDeposit("d1")).toMatchObject({ caseId: "OFB-2026-0001" });
    const [a, b] = await Promise.all([store.takeDeposit("d1"), store.takeDeposit("d1")]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.getDeposit("d1")).toBeUndefined();
  });

  it("revokes the earlier deposit link of an account when a new one is issued", async () => {
    await store.saveDeposit("d-old", deposit("222222222222"), 1800);
    await store.saveDeposit("d-new", deposit("222222222222"), 1800);
    expect(await store.getDeposit("d-old")).toBeUndefined();
    expect(await store.getDeposit("d-new")).toBeDefined();
    await store.saveDeposit("d-other", deposit("333333333333"), 1800);
    expect(await store.getDeposit("d-new")).toBeDefined();
  });

  it("expires a deposit link after its lifetime", async () => {
    await store.saveDeposit("d-ttl", deposit("444444444444"), 1800);
    const ttl = await redis.ttl(`${prefix}credential:deposit:d-ttl`);
    expect(ttl).toBeGreaterThan(1790);
    expect(ttl).toBeLessThanOrEqual(1800);
  });

  it("lets exactly one of 50 concurrent claims retrieve a link, and tells the others when", async () => {
    await store.saveRetrieval("r1", retrieval());
    const claims = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.claimRetrieval("r1", `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`, 600),
      ),
    );
    const winners = claims.filter((c) => c.won);
    expect(winners).toHaveLength(1);
    const stored = await store.getRetrieval("r1");
    expect(stored?.state).toBe("retrieved");
    for (const loser of claims.filter((c) => !c.won))
      expect(loser).toEqual({ won: false, state: "retrieved", retrievedAt: stored?.retrievedAt });
  });

  it("keeps the retrieved mark for the given time after retrieval", async () => {
    await store.saveRetrieval("r-keep", retrieval({ expiresAt: new Date(Date.now() + 5000).toISOString() }));
    await store.claimRetrieval("r-keep", new Date().toISOString(), 3600);
    expect(await redis.ttl(`${prefix}credential:link:r-keep`)).toBeGreaterThan(3500);
  });

  it("removes an open link at its end of life", async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    await store.saveRetrieval("r-life", retrieval({ expiresAt: expiresAt.toISOString() }));
    const remaining = await redis.pttl(`${prefix}credential:link:r-life`);
    expect(Math.abs(remaining - 60_000)).toBeLessThan(2000);
  });

  it("expires an open link but never a retrieved one", async () => {
    await store.saveRetrieval("r-open", retrieval());
    await store.saveRetrieval("r-done", retrieval());
    await store.claimRetrieval("r-done", "2026-01-01T00:00:00.000Z", 600);
    expect(await store.claimExpiry("r-open")).toEqual({ won: true });
    expect(await store.claimRetrieval("r-open", "2026-01-01T00:00:00.000Z", 600)).toEqual({
      won: false,
      state: "expired",
      retrievedAt: undefined,
    });
    expect(await store.claimExpiry("r-done")).toEqual({
      won: false,
      state: "retrieved",
      retrievedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(await store.claimExpiry("r-unknown")).toEqual({ won: false, state: "missing", retrievedAt: undefined });
  });

  it("counts attempts in a window shared by every caller", async () => {
    const counts = await Promise.all(Array.from({ length: 5 }, () => store.countAttempt("reveal-ip:127.0.0.9", 60)));
    expect(counts.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await redis.ttl(`${prefix}credential:attempts:reveal-ip:127.0.0.9`)).toBeGreaterThan(55);
  });

  it("claims a once-per-window mark only once", async () => {
    expect(await store.claimOnce("revisit:x", 60)).toBe(true);
    expect(await store.claimOnce("revisit:x", 60)).toBe(false);
  });
});
