import { deflateRawSync, inflateRawSync } from "node:zlib";
import {
  accountParts,
  formatCaseId,
  type AccountChanges,
  type AccountPart,
  type AccountState,
  type Case,
} from "../../src/case";
import { systemClock, type Clock } from "../../src/clock";
import { NotFoundError, OffboardError, VersionConflictError } from "../../src/errors";
import type { ChatLocation } from "../../src/identity";
import type { AccountPlan } from "../../src/plan";
import type { AccountProgress } from "../../src/case";
import type { CaseStore } from "../../src/ports";
import type { RedisClient } from "./connection";
import { RedisKeys } from "./keys";
import { LuaScript } from "./lua-script";

/** Creating a case whose id is already stored. Ids come from `allocateId`, so this is a wiring bug. */
export class CaseAlreadyExistsError extends OffboardError {
  constructor(caseId: string) {
    // A create is a write against "version 0": finding a stored case is a version conflict.
    super(
      "version_conflict",
      `case ${caseId} already exists; allocate a new id with allocateId() before creating a case`,
    );
  }
}

/**
 * Stores the case only if none has its id. KEYS: case hash. ARGV: json, version.
 * Returns 1 when stored, 0 when the id exists. (The case index is another hash slot: `create` adds to
 * it before.)
 */
const createScript = new LuaScript(
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[1])
return 1`,
  1,
);

/**
 * Writes a change. KEYS: case hash. ARGV: expected version, whether the case document changed (1/0),
 * new version, new json, then (field, expected old value or "", new value or "" to remove) for each account
 * field that changed. The document is compared by version, each account field by its value, so runs of
 * different accounts reporting their steps at once do not conflict with each other, nor with a person
 * changing the case. Returns {1} when written, {0} when someone wrote first, {-1} when the case is gone.
 */
const compareAndSetScript = new LuaScript(
  `local version = redis.call('HGET', KEYS[1], 'version')
if not version then return {-1} end
if ARGV[2] == '1' and version ~= ARGV[1] then return {0} end
for i = 5, #ARGV, 3 do
  local stored = redis.call('HGET', KEYS[1], ARGV[i]) or ''
  if stored ~= ARGV[i + 1] then return {0} end
end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'version', ARGV[3], 'json', ARGV[4]) end
for i = 5, #ARGV, 3 do
  if ARGV[i + 2] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2]) end
end
return {1}`,
  1,
);

/**
 * Removes the state of every account but the kept ones, if the document is still at the given version. KEYS: case
 * hash. ARGV: version, then the kept account ids. Returns how many fields it removed (0 when the version moved on:
 * a newer write decides what is kept). The parts are those of `accountParts`: `plan:<account>`, `progress:<account>`.
 */
const dropOtherAccountsScript = new LuaScript(
  `if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
local keep = {}
for i = 2, #ARGV do keep[ARGV[i]] = true end
local removed = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local account = string.match(field, '^plan:(.+)$') or string.match(field, '^progress:(.+)$')
  if account and not keep[account] then
    redis.call('HDEL', KEYS[1], field)
    removed = removed + 1
  end
end
return removed`,
  1,
);

/** Deletes a location's binding only if it names the case. KEYS: location key. ARGV: case id. */
const unbindScript = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  1,
);

/**
 * The hash field of one part of one account's state: `plan:<account>`, `progress:<account>`. Fields of the case's
 * own hash, not keys of their own: one key per case keeps every script on one Redis Cluster slot.
 */
const accountField = (part: AccountPart, accountId: string): string => `${part}:${accountId}`;

/**
 * How a part is stored. An account's plan (artifacts, ARNs, reasons: about 2.7 KB of JSON for eight partner roles)
 * is written once per plan and read whole, so it is kept deflated (`deflate:` + base64 of raw DEFLATE, about a
 * third of it); progress, written at every step, stays plain JSON. Reading takes either form.
 */
const compressedParts: ReadonlySet<AccountPart> = new Set(["plan"]);
const deflatedPrefix = "deflate:";

function encodePart(part: AccountPart, value: unknown): string {
  const json = JSON.stringify(value);
  if (!compressedParts.has(part)) return json;
  return deflatedPrefix + deflateRawSync(json).toString("base64");
}

function decodePart(stored: string): unknown {
  if (!stored.startsWith(deflatedPrefix)) return JSON.parse(stored);
  return JSON.parse(inflateRawSync(Buffer.from(stored.slice(deflatedPrefix.length), "base64")).toString("utf8"));
}

/** The fields of `accountIds`' parts, in (account, part) order. */
function accountFields(accountIds: readonly string[], parts: readonly AccountPart[]): string[] {
  return accountIds.flatMap((id) => parts.map((part) => accountField(part, id)));
}

/** HMGET values of `accountFields(accountIds, parts)` as the accounts' state; missing parts stay absent. */
function readAccounts(
  accountIds: readonly string[],
  parts: readonly AccountPart[],
  values: (string | null)[],
): Record<string, AccountState> {
  const accounts: Record<string, AccountState> = {};
  accountIds.forEach((id, i) => {
    const state: Record<string, unknown> = {};
    parts.forEach((part, j) => {
      const json = values[i * parts.length + j];
      if (json !== null && json !== undefined) state[part] = decodePart(json);
    });
    accounts[id] = state as AccountState;
  });
  return accounts;
}

/** Accounts' state as the fields that store it. */
function accountFieldValues(accounts: Record<string, AccountState>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [id, state] of Object.entries(accounts))
    for (const part of accountParts) {
      const value = state[part];
      if (value !== undefined) fields[accountField(part, id)] = encodePart(part, value);
    }
  return fields;
}

export interface RedisCaseStoreOptions {
  /** Sets `updatedAt` on every change. */
  clock?: Clock;
  /** Attempts of one update against concurrent writers before VersionConflictError. Default 100. */
  maxAttempts?: number;
}

/**
 * The case store on Redis. Each case is one hash: its document (`json`, `version`) and one field per part of each
 * account's state (`plan:<account>`, `progress:<account>`). Reading the case reads `json` alone; an account's state
 * is read by its fields. `update` is an optimistic read-change-compare-and-set loop (a Lua script compares the
 * version, and each account field by value), so two people clicking at once never lose a change. Works on one
 * shared connection: unlike WATCH/MULTI, the script needs no connection of its own.
 */
export class RedisCaseStore implements CaseStore {
  private readonly keys: RedisKeys;
  private readonly clock: Clock;
  private readonly maxAttempts: number;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    options: RedisCaseStoreOptions = {},
  ) {
    this.keys = new RedisKeys(prefix);
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  async allocateId(year: number): Promise<string> {
    if (!Number.isInteger(year) || year < 1000 || year > 9999)
      throw new RangeError(`a case id needs a four-digit year, got ${year}`);
    const sequence = await this.redis.incr(this.keys.caseSequence(year));
    return formatCaseId(year, sequence);
  }

  async create(value: Case, accounts: Record<string, AccountState> = {}): Promise<Case> {
    const stored: Case = { ...value, version: 1 };
    const createdAtMs = Date.parse(stored.createdAt);
    const score = Number.isFinite(createdAtMs) ? createdAtMs : this.clock.now().getTime();
    // The index and the case hash sit in different hash slots, so no one script writes both. Index first
    // (NX: an existing entry keeps its time): a process dying in between leaves an id whose case does not
    // exist, which readers skip, never a case the index does not list.
    await this.redis.zadd(this.keys.caseIndex(), "NX", score, stored.id);
    const result = await createScript.run(this.redis, [this.keys.case(stored.id)], [JSON.stringify(stored), 1]);
    if (result !== 1) throw new CaseAlreadyExistsError(stored.id);
    const fields = accountFieldValues(accounts);
    if (Object.keys(fields).length > 0) await this.redis.hset(this.keys.case(stored.id), fields);
    return stored;
  }

  async get(id: string): Promise<Case | undefined> {
    const json = await this.redis.hget(this.keys.case(id), "json");
    return json === null ? undefined : (JSON.parse(json) as Case);
  }

  async accounts(
    id: string,
    accountIds: readonly string[],
    parts: readonly AccountPart[] = accountParts,
  ): Promise<Record<string, AccountState>> {
    if (accountIds.length === 0 || parts.length === 0) return Object.fromEntries(accountIds.map((a) => [a, {}]));
    const values = await this.redis.hmget(this.keys.case(id), ...accountFields(accountIds, parts));
    return readAccounts(accountIds, parts, values);
  }

  async accountPlans(id: string, accountIds: readonly string[]): Promise<AccountPlan[]> {
    const accounts = await this.accounts(id, accountIds, ["plan"]);
    return accountIds.flatMap((a) => accounts[a]?.plan ?? []);
  }

  async accountPlan(id: string, accountId: string): Promise<AccountPlan | undefined> {
    return (await this.accounts(id, [accountId], ["plan"]))[accountId]?.plan;
  }

  async accountProgress(id: string, accountIds: readonly string[]): Promise<Record<string, AccountProgress>> {
    const accounts = await this.accounts(id, accountIds, ["progress"]);
    const progress: Record<string, AccountProgress> = {};
    for (const [accountId, state] of Object.entries(accounts)) if (state.progress) progress[accountId] = state.progress;
    return progress;
  }

  async update(id: string, change: (current: Case) => Case): Promise<Case> {
    return (await this.updateAccounts(id, [], (current) => ({ case: change(current) }))).case;
  }

  async updateAccounts(
    id: string,
    accountIds: readonly string[],
    change: (current: Case, accounts: Record<string, AccountState>) => { case: Case; accounts?: AccountChanges },
  ): Promise<{ case: Case; accounts: Record<string, AccountState> }> {
    const key = this.keys.case(id);
    const fields = accountFields(accountIds, accountParts);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const [json, ...values] = await this.redis.hmget(key, "json", ...fields);
      if (json === null || json === undefined) throw new NotFoundError(`case ${id} does not exist`);
      // Read afresh each attempt: `change` gets its own copy.
      const current = JSON.parse(json) as Case;
      const accounts = readAccounts(accountIds, accountParts, values);
      const result = change(current, accounts);
      const stored: Record<string, string> = {};
      fields.forEach((field, i) => {
        if (values[i] !== null && values[i] !== undefined) stored[field] = values[i];
      });
      const writes = accountWrites(result.accounts ?? {}, stored);
      // A change that hands back the case it was given changed nothing in the document: no new version.
      const next: Case = { ...result.case, id, version: current.version, updatedAt: current.updatedAt };
      // The stored JSON was written by the same JSON.stringify of the same shape: equal text, equal document.
      const documentChanged = result.case !== current && JSON.stringify(next) !== json;
      const after = {
        case: documentChanged
          ? { ...next, version: current.version + 1, updatedAt: this.clock.now().toISOString() }
          : current,
        accounts: mergeAccounts(accounts, result.accounts ?? {}),
      };
      if (!documentChanged && writes.length === 0) return after;
      const args = [
        current.version,
        documentChanged ? 1 : 0,
        after.case.version,
        documentChanged ? JSON.stringify(after.case) : "",
        ...writes.flatMap((w) => [w.field, w.expected, w.value]),
      ];
      const reply = (await compareAndSetScript.run(this.redis, [key], args)) as [number];
      if (reply[0] === 1) return after;
      if (reply[0] === -1) throw new NotFoundError(`case ${id} does not exist (it was removed while being updated)`);
      await backoff(attempt);
    }
    throw new VersionConflictError(id);
  }

  async dropOtherAccounts(id: string, version: number, keep: readonly string[]): Promise<number> {
    return Number(await dropOtherAccountsScript.run(this.redis, [this.keys.case(id)], [version, ...keep]));
  }

  async findByLocation(where: ChatLocation): Promise<string | undefined> {
    // A thread is bound to its case; a dedicated case channel is bound as a whole. Thread first. Both
    // keys carry the channel as their hash tag: one MGET on a cluster too.
    const candidates = where.threadId
      ? [this.keys.location(where), this.keys.location({ ...where, threadId: undefined })]
      : [this.keys.location(where)];
    const found = await this.redis.mget(...candidates);
    return found.find((id): id is string => id !== null);
  }

  async bindLocation(where: ChatLocation, caseId: string): Promise<void> {
    await this.redis.set(this.keys.location(where), caseId);
  }

  async unbindLocation(where: ChatLocation, caseId: string): Promise<void> {
    await unbindScript.run(this.redis, [this.keys.location(where)], [caseId]);
  }

  async list(): Promise<string[]> {
    return this.redis.zrevrange(this.keys.caseIndex(), 0, -1);
  }
}

/**
 * The account fields a change writes: each part it sets to a value other than the stored one, or removes while
 * stored, with the stored value ("" when none) the script compares before writing ("" as the new value removes).
 */
function accountWrites(
  changes: AccountChanges,
  stored: Record<string, string>,
): { field: string; expected: string; value: string }[] {
  const writes: { field: string; expected: string; value: string }[] = [];
  for (const [accountId, parts] of Object.entries(changes))
    for (const part of accountParts) {
      if (!(part in parts)) continue;
      const field = accountField(part, accountId);
      const value = parts[part] === undefined ? "" : encodePart(part, parts[part]);
      const expected = stored[field] ?? "";
      if (value !== expected) writes.push({ field, expected, value });
    }
  return writes;
}

/** The accounts' state after `changes`. */
function mergeAccounts(accounts: Record<string, AccountState>, changes: AccountChanges): Record<string, AccountState> {
  const merged = { ...accounts };
  for (const [accountId, parts] of Object.entries(changes)) {
    const state: Record<string, unknown> = { ...merged[accountId], ...parts };
    for (const part of accountParts) if (state[part] === undefined) delete state[part];
    merged[accountId] = state as AccountState;
  }
  return merged;
}

/** A few milliseconds, random, growing with the attempt: spreads writers that collided apart. */
function backoff(attempt: number): Promise<void> {
  if (attempt === 1) return Promise.resolve();
  const ms = Math.random() * Math.min(2 * attempt, 20);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
