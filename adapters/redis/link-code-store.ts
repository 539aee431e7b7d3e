import type { Identity } from "../../src/identity";
import { linkCodeHash, type LinkCode, type LinkCodeClaim, type LinkCodeStore } from "../../src/link-code";
import { LuaScript } from "./lua-script";
import type { RedisClient } from "./connection";
import { RedisKeys } from "./keys";

/**
 * Link codes in Redis, under the code's keyed hash (the code itself is never stored). A code is kept a day past
 * its 15 minutes, marked used, so that a replay or a late use is told apart from an unknown code and audited on its
 * case. Using a code is one Lua script: of two `join`s with the same code, exactly one wins.
 *
 * | key (under the prefix)       | type | holds                                                       |
 * | ---------------------------- | ---- | ----------------------------------------------------------- |
 * | `link-code:<hmac of code>`   | hash | caseId, issuedBy (JSON), issuedAt, expiresAt, usedAt (once) |
 */
const useScript = new LuaScript(
  `
local f = redis.call('HMGET', KEYS[1], 'expiresAt', 'usedAt')
if not f[1] then return 'unknown' end
if f[2] then return 'used' end
if ARGV[1] >= f[1] then return 'expired' end
redis.call('HSET', KEYS[1], 'usedAt', ARGV[1])
return 'ok'
`,
  1,
);

export class RedisLinkCodeStore implements LinkCodeStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** The installation's secret the codes are hashed under (OFFBOARD_AUDIT_KEY's). */
    private readonly secret: Buffer,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  hashOf(code: string): string {
    return linkCodeHash(code, this.secret);
  }

  async save(codeHash: string, link: LinkCode, keepSeconds: number): Promise<void> {
    const key = this.keys.linkCode(codeHash);
    await this.redis
      .multi()
      .hset(key, {
        caseId: link.caseId,
        issuedBy: JSON.stringify(link.issuedBy),
        issuedAt: link.issuedAt,
        expiresAt: link.expiresAt,
      })
      .expire(key, keepSeconds)
      .exec();
  }

  async use(codeHash: string, now: string): Promise<LinkCodeClaim> {
    const key = this.keys.linkCode(codeHash);
    const outcome = (await useScript.run(this.redis, [key], [now])) as "unknown" | "used" | "expired" | "ok";
    if (outcome === "unknown") return { ok: false, because: "unknown" };
    const f = await this.redis.hgetall(key);
    const link: LinkCode = {
      caseId: f.caseId,
      issuedBy: JSON.parse(f.issuedBy) as Identity,
      issuedAt: f.issuedAt,
      expiresAt: f.expiresAt,
    };
    return outcome === "ok" ? { ok: true, link } : { ok: false, because: outcome, link };
  }
}
