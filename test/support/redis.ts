import Redis from "ioredis";
import { randomBytes } from "node:crypto";

/** The Redis the tests use: REDIS_URL, else the local default. Never a mock. */
export const testRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A real Redis connection plus a key prefix unique to one test file, so test files can run in
 * parallel against one server. `cleanup()` deletes every key under the prefix and closes the connection.
 */
export function testRedis(label: string): { redis: Redis; prefix: string; cleanup: () => Promise<void> } {
  const prefix = `test:${label}:${randomBytes(4).toString("hex")}:`;
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
  const cleanup = async (): Promise<void> => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  };
  return { redis, prefix, cleanup };
}

/** Deletes every key under `prefix` (SCAN, not KEYS: the server stays responsive). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}
