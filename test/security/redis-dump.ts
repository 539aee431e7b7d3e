import type Redis from "ioredis";

/**
 * Every key matching `pattern` (at most `limit`), with its value as text whatever its type: strings,
 * hashes, lists, sets, sorted sets and streams. For searching a Redis for a secret, or comparing it
 * before and after something that must change nothing.
 */
export async function dumpRedis(redis: Redis, pattern = "*", limit = 50_000): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let text = "";
      if (type === "string") text = (await redis.get(key)) ?? "";
      else if (type === "hash") text = JSON.stringify(Object.entries(await redis.hgetall(key)).sort());
      else if (type === "list") text = JSON.stringify(await redis.lrange(key, 0, -1));
      else if (type === "set") text = JSON.stringify((await redis.smembers(key)).sort());
      else if (type === "zset") text = JSON.stringify(await redis.zrange(key, "0", "-1", "WITHSCORES"));
      else if (type === "stream") text = JSON.stringify(await redis.xrange(key, "-", "+"));
      else if (type !== "none") text = `<${type}>`;
      if (type !== "none") dump.set(key, `${key}\n${text}`);
    }
  } while (cursor !== "0" && dump.size < limit);
  return dump;
}
