import { testRedis } from "../../test/support/redis";
import { RedisKeys } from "./keys";
import { RedisStepCountStore } from "./step-count-store";

const { redis, prefix, cleanup } = testRedis("step-counts");
const store = new RedisStepCountStore(redis, prefix);
afterAll(cleanup);

describe("RedisStepCountStore", () => {
  it("keeps the latest count of each account of a case, apart from other cases", async () => {
    await store.record("OFB-2026-0001", "222222222222", { step: "revoke_iam", done: 3, total: 11 });
    await store.record("OFB-2026-0001", "222222222222", { step: "revoke_iam", done: 4, total: 11 });
    await store.record("OFB-2026-0001", "333333333333", { step: "buckets", done: 1, total: 2 });
    await store.record("OFB-2026-0002", "222222222222", { step: "buckets", done: 2, total: 2 });
    expect(await store.read("OFB-2026-0001")).toEqual({
      "222222222222": { step: "revoke_iam", done: 4, total: 11 },
      "333333333333": { step: "buckets", done: 1, total: 2 },
    });
    expect(await store.read("OFB-2026-0003")).toEqual({});
  });

  it("lets the counts expire: they are a picture of the run, not its record", async () => {
    await store.record("OFB-2026-0004", "222222222222", { step: "revoke_iam", done: 1, total: 2 });
    const ttl = await redis.ttl(new RedisKeys(prefix).stepCounts("OFB-2026-0004"));
    expect(ttl).toBeGreaterThan(24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it("skips a field that is not a count", async () => {
    await redis.hset(new RedisKeys(prefix).stepCounts("OFB-2026-0005"), "444444444444", "not json");
    await store.record("OFB-2026-0005", "222222222222", { step: "buckets", done: 0, total: 1 });
    expect(Object.keys(await store.read("OFB-2026-0005"))).toEqual(["222222222222"]);
  });
});
