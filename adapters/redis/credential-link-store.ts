import type { RedisClient } from "./connection";
import type {
  CredentialLinkStore,
  DepositLink,
  RetrievalClaim,
  RetrievalLink,
  RetrievalState,
} from "../../src/credentials/credential-link";
import { LuaScript } from "./lua-script";
import { RedisKeys } from "./keys";

/**
 * Credential links in Redis, keyed by the SHA-256 of their token (the token itself is never stored).
 * Every key is single-slot, so the store runs unchanged on a clustered Redis.
 *
 * | key (under the prefix)                              | type   | holds                                         |
 * | --------------------------------------------------- | ------ | --------------------------------------------- |
 * | `credential:deposit:<tokenHash>`                    | string | the DepositLink (JSON), expiring in 30 min    |
 * | `credential:deposit-current:<caseId>:<accountId>`   | string | hash of the account's newest deposit link     |
 * | `credential:link:<tokenHash>`                       | hash   | the RetrievalLink, expiring at its end of life|
 * | `credential:attempts:<scope>`                       | string | attempts in the current rate-limit window     |
 * | `credential:once:<scope>`                           | string | a one-per-window claim (revisit alerts)       |
 */
export class RedisCredentialLinkStore implements CredentialLinkStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async saveDeposit(tokenHash: string, link: DepositLink, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.depositKey(tokenHash), JSON.stringify(link), "EX", ttlSeconds);
    // The newest link becomes current; the one it replaces stops working at once.
    const previous = await this.redis.set(
      this.currentDepositKey(link.caseId, link.accountId),
      tokenHash,
      "EX",
      ttlSeconds,
      "GET",
    );
    if (previous && previous !== tokenHash) await this.redis.del(this.depositKey(previous));
  }

  async getDeposit(tokenHash: string): Promise<DepositLink | undefined> {
    const json = await this.redis.get(this.depositKey(tokenHash));
    return json ? (JSON.parse(json) as DepositLink) : undefined;
  }

  async takeDeposit(tokenHash: string): Promise<DepositLink | undefined> {
    const json = await this.redis.getdel(this.depositKey(tokenHash));
    return json ? (JSON.parse(json) as DepositLink) : undefined;
  }

  async saveRetrieval(tokenHash: string, link: RetrievalLink): Promise<void> {
    const key = this.linkKey(tokenHash);
    const fields: Record<string, string> = {
      caseId: link.caseId,
      accountId: link.accountId,
      secretName: link.secretName,
      verifier: link.verifier,
      recipients: JSON.stringify(link.recipients),
      state: link.state,
      createdAt: link.createdAt,
      expiresAt: link.expiresAt,
    };
    if (link.retrievedAt) fields.retrievedAt = link.retrievedAt;
    await this.redis.multi().del(key).hset(key, fields).pexpireat(key, Date.parse(link.expiresAt)).exec();
  }

  async getRetrieval(tokenHash: string): Promise<RetrievalLink | undefined> {
    const fields = await this.redis.hgetall(this.linkKey(tokenHash));
    if (!fields.state) return undefined;
    return {
      caseId: fields.caseId,
      accountId: fields.accountId,
      secretName: fields.secretName,
      verifier: fields.verifier,
      recipients: JSON.parse(fields.recipients ?? "[]") as string[],
      state: fields.state as RetrievalState,
      createdAt: fields.createdAt,
      expiresAt: fields.expiresAt,
      retrievedAt: fields.retrievedAt || undefined,
    };
  }

  async claimRetrieval(tokenHash: string, at: string, keepSeconds: number): Promise<RetrievalClaim> {
    return readClaim(await claimRetrievalScript.run(this.redis, [this.linkKey(tokenHash)], [at, keepSeconds]));
  }

  async claimExpiry(tokenHash: string): Promise<RetrievalClaim> {
    return readClaim(await claimExpiryScript.run(this.redis, [this.linkKey(tokenHash)], []));
  }

  async countAttempt(scope: string, windowSeconds: number): Promise<number> {
    return Number(await countAttemptScript.run(this.redis, [this.keys.credential("attempts", scope)], [windowSeconds]));
  }

  async claimOnce(scope: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.keys.credential("once", scope), "1", "EX", ttlSeconds, "NX")) === "OK";
  }

  private depositKey(tokenHash: string): string {
    return this.keys.credential("deposit", tokenHash);
  }

  private currentDepositKey(caseId: string, accountId: string): string {
    return this.keys.credential("deposit-current", caseId, accountId);
  }

  private linkKey(tokenHash: string): string {
    return this.keys.credential("link", tokenHash);
  }
}

/** Scripts answer `{"won"}`, `{"missing"}` or `{<state>, <retrievedAt>}`. */
function readClaim(reply: unknown): RetrievalClaim {
  const [state, retrievedAt] = reply as [string, string?];
  if (state === "won") return { won: true };
  return { won: false, state: state as RetrievalState | "missing", retrievedAt: retrievedAt || undefined };
}

/**
 * `open → retrieved` in one step: the one reveal that finds the link open wins, every other sees it
 * retrieved. The mark outlives the link by `keepSeconds` (ARGV[2]) for "already retrieved on …".
 */
const claimRetrievalScript = new LuaScript(
  `local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
if state ~= 'open' then return {state, redis.call('HGET', KEYS[1], 'retrievedAt') or ''} end
redis.call('HSET', KEYS[1], 'state', 'retrieved', 'retrievedAt', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {'won'}`,
  1,
);

/** `open → expired`, racing the reveal fairly: whichever script runs first decides. */
const claimExpiryScript = new LuaScript(
  `local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
if state ~= 'open' then return {state, redis.call('HGET', KEYS[1], 'retrievedAt') or ''} end
redis.call('HSET', KEYS[1], 'state', 'expired')
return {'won'}`,
  1,
);

/** A fixed-window counter whose window starts with its first attempt. */
const countAttemptScript = new LuaScript(
  `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`,
  1,
);
