import type { JoinAttempt, JoinAttemptCounter, JoinSubject, JoinSubjectKind } from "../../src/join-limit";
import type { RedisClient } from "./connection";
import { LuaScript } from "./lua-script";
import { RedisKeys } from "./keys";

/**
 * The `join` attempt counters (src/join-limit.ts) in Redis: one counter per person and per conversation, a fixed
 * window from its first count (the key's time to live).
 *
 * | key (under the prefix)             | type   | holds                                              |
 * | ---------------------------------- | ------ | -------------------------------------------------- |
 * | `{join-attempts}:person:<id>`       | string | refused (and in-flight) `join`s of the person      |
 * | `{join-attempts}:conversation:<id>` | string | the same, of the conversation                       |
 *
 * Both keys of a `join` are checked and counted by one script (their shared hash tag puts them in one Redis Cluster
 * slot), so simultaneous guesses are counted one after another and none passes a counter already at its limit.
 */
const reserveScript = new LuaScript(
  `
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    return {i, redis.call('PTTL', key)}
  end
end
local counts = {0}
for i, key in ipairs(KEYS) do
  counts[i + 1] = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return counts
`,
  2,
);

/** Gives an attempt back, without bringing a counter below zero or back to life after its window. */
const releaseScript = new LuaScript(
  `
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n > 0 then redis.call('DECR', key) end
end
return 1
`,
  2,
);

export class RedisJoinAttemptCounter implements JoinAttemptCounter {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async reserve(subjects: JoinSubject[], windowMs: number): Promise<JoinAttempt> {
    const keys = subjects.map((s) => this.keys.joinAttempts(s.kind, s.id));
    const limits = subjects.map((s) => s.limit);
    const answer = (await reserveScript.run(this.redis, keys, [Math.max(1, Math.round(windowMs)), ...limits])) as [
      number,
      ...number[],
    ];
    const [locked, ...rest] = answer;
    if (locked === 0) return { ok: true, counts: rest };
    const lockedBy: JoinSubjectKind = subjects[locked - 1].kind;
    return { ok: false, lockedBy, retryAfterMs: Math.max(0, rest[0] ?? 0) };
  }

  async release(subjects: JoinSubject[]): Promise<void> {
    await releaseScript.run(
      this.redis,
      subjects.map((s) => this.keys.joinAttempts(s.kind, s.id)),
      [],
    );
  }
}
