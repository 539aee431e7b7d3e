/**
 * `npm run redis:tag-keys`: renames the keys an Offboard from before Redis Cluster support wrote to the names with
 * hash tags (`case:<id>` → `case:{<id>}`, BullMQ's `offboard:bull:…` → `offboard:{bull}:…`, …) on one Redis server,
 * and builds the `audit-cases` index the audit log now reads across cases from. Run it once, with every Offboard
 * process stopped, after a backup; a second run finds nothing to do. Reads REDIS_URL and OFFBOARD_KEY_PREFIX like
 * the bot. In the production image: `node dist/scripts/redis-tag-keys.js`.
 *
 * BullMQ writes the full key of a job into other keys (a flow's parent in each child, its children in the parent's
 * dependency sets): those references are rewritten with the keys, so flows, delayed and waiting jobs carry on.
 *
 * Exit code: 0 done (or nothing to do), 1 some keys could not be renamed (named), 2 Redis could not be read.
 */
import type Redis from "ioredis";
import { createRedis } from "../adapters/redis/connection";
import { RedisKeys } from "../adapters/redis/keys";

export interface TagKeysReport {
  renamed: number;
  /** Keys whose new name was taken already: left as they are, named for a person to look at. */
  conflicts: string[];
  /** Cases added to `audit-cases`. */
  indexed: number;
}

type Rename = (rest: string) => string | undefined;

/** The old names under the prefix and their new ones; undefined leaves a key alone. */
function renamesFor(keys: RedisKeys): [string, Rename][] {
  const tagOne = (kind: string): [string, Rename] => [
    `${kind}:`,
    (rest) => (rest.includes("{") || rest.includes(":") ? undefined : `${keys.prefix}${kind}:{${rest}}`),
  ];
  return [
    tagOne("case"),
    tagOne("audit"),
    tagOne("audit-head"),
    tagOne("step-counts"),
    // location:<platform>:<channel>[:<thread>], parts URI-encoded (no ':' inside one).
    [
      "location:",
      (rest) => {
        const [platform, channel, ...thread] = rest.split(":");
        if (!channel || channel.startsWith("{") || thread.length > 1) return undefined;
        return `${keys.prefix}location:${platform}:{${channel}}${thread.length ? `:${thread[0]}` : ""}`;
      },
    ],
    ["demo:", (rest) => `${keys.demoBase()}${rest}`],
    ["bull:", (rest) => `${keys.bull()}:${rest}`],
  ];
}

/** Renames every old-style key under the prefix; rewrites BullMQ's references; builds the audit index. */
export async function tagKeys(redis: Redis, prefix: string): Promise<TagKeysReport> {
  const keys = new RedisKeys(prefix);
  const rules = renamesFor(keys);
  const report: TagKeysReport = { renamed: 0, conflicts: [], indexed: 0 };
  const oldBull = `${prefix}bull:`;
  const newBull = `${keys.bull()}:`;
  // The old aws-rate key holds only the next free request slot: a fresh one is as good.
  await redis.del(`${prefix}aws-rate`);

  for await (const batch of scan(redis, `${prefix}*`)) {
    for (const key of batch) {
      const rest = key.slice(prefix.length);
      const rule = rules.find(([start]) => rest.startsWith(start));
      const target = rule?.[1](rest.slice(rule[0].length));
      if (!target || target === key) continue;
      if (key.startsWith(oldBull)) await rewriteReferences(redis, key, oldBull, newBull);
      if ((await redis.renamenx(key, target)) === 1) report.renamed++;
      else report.conflicts.push(key);
    }
  }

  // Every case with an audit trail, scored by its newest event's time (the audit log's index of active cases).
  for await (const batch of scan(redis, `${prefix}audit:{*}`)) {
    for (const key of batch) {
      const caseId = key.slice(`${prefix}audit:{`.length, -1);
      const [newest] = (await redis.xrevrange(key, "+", "-", "COUNT", 1)) as [string, string[]][];
      if (!newest) continue;
      const fields = newest[1];
      const at = Date.parse(fields[fields.indexOf("at") + 1] ?? "");
      const score = Number.isFinite(at) ? at : Number(newest[0].split("-")[0]);
      report.indexed += Number(await redis.zadd(keys.auditIndex(), "GT", "CH", score, caseId));
    }
  }
  return report;
}

/** SCAN in pages; every key of the moment is seen at least once (SCAN's guarantee). */
async function* scan(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (found.length) yield found;
  } while (cursor !== "0");
}

/**
 * BullMQ keeps full job keys inside its keys: a child's `parentKey` and `parent` (JSON with `queueKey`), a
 * parent's `dependencies` set and `processed`/`failed` hashes, `unsuccessful` sets. Every old-prefix text in a
 * hash's fields and values, a set's or sorted set's members and a list's elements becomes the new prefix.
 * Strings and streams hold none.
 */
async function rewriteReferences(redis: Redis, key: string, from: string, to: string): Promise<void> {
  const swap = (text: string): string => text.split(from).join(to);
  const type = await redis.type(key);
  if (type === "hash") {
    const fields = await redis.hgetall(key);
    for (const [field, value] of Object.entries(fields)) {
      if (!field.includes(from) && !value.includes(from)) continue;
      if (field.includes(from)) await redis.hdel(key, field);
      await redis.hset(key, swap(field), swap(value));
    }
  } else if (type === "set") {
    for (const member of await redis.smembers(key))
      if (member.includes(from)) await redis.multi().srem(key, member).sadd(key, swap(member)).exec();
  } else if (type === "zset") {
    const flat = await redis.zrange(key, "0", "-1", "WITHSCORES");
    for (let i = 0; i < flat.length; i += 2)
      if (flat[i].includes(from))
        await redis
          .multi()
          .zrem(key, flat[i])
          .zadd(key, flat[i + 1], swap(flat[i]))
          .exec();
  } else if (type === "list") {
    const items = await redis.lrange(key, 0, -1);
    for (let i = 0; i < items.length; i++) if (items[i].includes(from)) await redis.lset(key, i, swap(items[i]));
  }
}

async function main(): Promise<number> {
  const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const prefix = process.env.OFFBOARD_KEY_PREFIX ?? "offboard:";
  const redis = createRedis(url, {
    name: "offboard-tag-keys",
    onError: () => undefined,
    overrides: { maxRetriesPerRequest: 0, retryStrategy: () => null },
  });
  try {
    const report = await tagKeys(redis, prefix);
    console.log(
      `renamed ${report.renamed} key(s) to their hash-tagged names; ${report.indexed} case(s) added to ${prefix}audit-cases`,
    );
    if (report.conflicts.length === 0) return 0;
    console.error(
      `${report.conflicts.length} key(s) kept their old name because the new one exists (look at both):\n  ${report.conflicts.join("\n  ")}`,
    );
    return 1;
  } catch (error) {
    console.error(`could not tag the keys: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) void main().then((code) => process.exit(code));
