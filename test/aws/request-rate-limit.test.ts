import Redis from "ioredis";
import { RequestRateLimit } from "../../adapters/aws/request-rate-limit";
import { testRedis, testRedisUrl } from "../support/redis";
import { RedisKeys } from "../../adapters/redis/keys";

const { redis, prefix, cleanup } = testRedis("aws-rate");
const second = new Redis(testRedisUrl);

afterAll(async () => {
  second.disconnect();
  await cleanup();
});

it("keeps two processes together within the shared rate, without running below it", async () => {
  const key = new RedisKeys(prefix).awsRate();
  // Two limiters on two connections: two worker processes sharing one budget.
  const a = new RequestRateLimit(redis, key, { perSecond: 100 });
  const b = new RequestRateLimit(second, key, { perSecond: 100 });
  const started = Date.now();
  await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).acquire()));
  const elapsed = Date.now() - started;
  // 60 requests at 100/s: the first goes at once, the last 590 ms later.
  expect(elapsed).toBeGreaterThanOrEqual(570);
  expect(elapsed).toBeLessThan(900);
});

it("refuses a rate that is not a positive number", () => {
  expect(() => new RequestRateLimit(redis, `${prefix}x`, { perSecond: 0 })).toThrow(
    /positive number of requests per second/,
  );
});
