import { testRedis } from "../../test/support/redis";
import { RedisIdempotencyStore } from "./idempotency-store";

describe("RedisIdempotencyStore", () => {
  const { redis, prefix, cleanup } = testRedis("idempotency");
  const store = new RedisIdempotencyStore(redis, prefix);

  afterAll(cleanup);

  it("claims a request id once and refuses every repeat", async () => {
    expect(await store.claim("slack:Ev0001")).toBe(true);
    expect(await store.claim("slack:Ev0001")).toBe(false);
    expect(await store.claim("slack:Ev0001")).toBe(false);
    expect(await store.claim("slack:Ev0002")).toBe(true);
  });

  it("takes a released claim again, for the retry of a request that failed half-way", async () => {
    expect(await store.claim("slack:Ev0050")).toBe(true);
    await store.release("slack:Ev0050");
    expect(await store.claim("slack:Ev0050")).toBe(true);
    expect(await store.claim("slack:Ev0050")).toBe(false);
  });

  it("lets exactly one of 20 simultaneous deliveries of the same request through", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim("teams:activity-42")));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("forgets a claim after its time to live (a day by default)", async () => {
    await store.claim("slack:Ev0003");
    const defaultTtl = await redis.ttl(`${prefix}idem:slack:Ev0003`);
    expect(defaultTtl).toBeGreaterThan(86000);
    expect(defaultTtl).toBeLessThanOrEqual(86400);

    expect(await store.claim("slack:Ev0004", 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.claim("slack:Ev0004", 1)).toBe(true);
  });

  it("refuses a time to live that is not a positive whole number of seconds", async () => {
    await expect(store.claim("slack:Ev0005", 0)).rejects.toThrow(RangeError);
    await expect(store.claim("slack:Ev0005", 1.5)).rejects.toThrow(RangeError);
    expect(await store.claim("slack:Ev0005")).toBe(true);
  });
});
