import { formatCaseId, type Case } from "../../src/case";
import { systemClock, type Clock } from "../../src/clock";
import { NotFoundError, OffboardError, VersionConflictError } from "../../src/errors";
import type { ChatLocation } from "../../src/identity";
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
 * new version, new json, then (field, expected old value or "", new value) for each account whose
 * progress changed. The document is compared by version, each progress field by its value, so runs of
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
for i = 5, #ARGV, 3 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2]) end
return {1}`,
  1,
);

/** Hash fields of the case key holding one account's run progress each. */
const progressField = (accountId: string): string => `progress:${accountId}`;

/** A stored case hash (json, version, progress:<account>…) as the one Case the core sees. */
function readStored(hash: Record<string, string>): Case | undefined {
  if (hash.json === undefined) return undefined;
  const value = JSON.parse(hash.json) as Case;
  const accounts: NonNullable<Case["execution"]>["accounts"] = {};
  for (const [field, json] of Object.entries(hash))
    if (field.startsWith("progress:")) accounts[field.slice("progress:".length)] = JSON.parse(json);
  if (Object.keys(accounts).length > 0) value.execution = { ...value.execution, accounts };
  return value;
}

/**
 * A case split the way it is stored: the document without the run's per-account progress, and that
 * progress as JSON per account. Progress changes with every step of every account; kept apart, a step
 * rewrites a few hundred bytes instead of the whole case.
 */
function splitForStorage(value: Case): { document: Case; progress: Record<string, string> } {
  const progress: Record<string, string> = {};
  for (const [accountId, accountProgress] of Object.entries(value.execution?.accounts ?? {}))
    progress[progressField(accountId)] = JSON.stringify(accountProgress);
  const document = value.execution ? { ...value, execution: { ...value.execution, accounts: {} } } : value;
  return { document, progress };
}

export interface RedisCaseStoreOptions {
  /** Sets `updatedAt` on every change. */
  clock?: Clock;
  /** Attempts of one update against concurrent writers before VersionConflictError. Default 100. */
  maxAttempts?: number;
}

/**
 * The case store on Redis. Each case is a hash holding its JSON and its version; `update` is an
 * optimistic read-change-compare-and-set loop (a Lua script compares the version), so two people
 * clicking at once never lose a change. Works on one shared connection: unlike WATCH/MULTI, the
 * script needs no connection of its own.
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

  async create(value: Case): Promise<Case> {
    const stored: Case = { ...value, version: 1 };
    const createdAtMs = Date.parse(stored.createdAt);
    const score = Number.isFinite(createdAtMs) ? createdAtMs : this.clock.now().getTime();
    const { document, progress } = splitForStorage(stored);
    // The index and the case hash sit in different hash slots, so no one script writes both. Index first
    // (NX: an existing entry keeps its time): a process dying in between leaves an id whose case does not
    // exist, which readers skip, never a case the index does not list.
    await this.redis.zadd(this.keys.caseIndex(), "NX", score, stored.id);
    const result = await createScript.run(this.redis, [this.keys.case(stored.id)], [JSON.stringify(document), 1]);
    if (result !== 1) throw new CaseAlreadyExistsError(stored.id);
    if (Object.keys(progress).length > 0) await this.redis.hset(this.keys.case(stored.id), progress);
    return stored;
  }

  async get(id: string): Promise<Case | undefined> {
    return readStored(await this.redis.hgetall(this.keys.case(id)));
  }

  async update(id: string, change: (current: Case) => Case): Promise<Case> {
    const key = this.keys.case(id);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await this.redis.hgetall(key);
      // Read afresh each attempt: `change` gets its own copy.
      const current = readStored(stored);
      if (!current) throw new NotFoundError(`case ${id} does not exist`);
      const changed = change(current);
      // A change that hands back the case it was given changed nothing: no write, no new version.
      if (changed === current) return current;
      const after = splitForStorage({ ...changed, id, version: current.version, updatedAt: current.updatedAt });
      // The stored JSON was written by the same JSON.stringify of the same shape: equal text, equal document.
      const documentChanged = JSON.stringify(after.document) !== stored.json;
      const document: Case = documentChanged
        ? { ...after.document, version: current.version + 1, updatedAt: this.clock.now().toISOString() }
        : after.document;
      const progressChanges = Object.entries(after.progress).filter(([field, json]) => stored[field] !== json);
      if (!documentChanged && progressChanges.length === 0) return current;
      const args = [
        current.version,
        documentChanged ? 1 : 0,
        document.version,
        documentChanged ? JSON.stringify(document) : "",
        ...progressChanges.flatMap(([field, json]) => [field, stored[field] ?? "", json]),
      ];
      const reply = (await compareAndSetScript.run(this.redis, [key], args)) as [number];
      if (reply[0] === 1)
        return {
          ...document,
          execution: changed.execution && {
            ...document.execution!,
            accounts: { ...current.execution?.accounts, ...changed.execution.accounts },
          },
        };
      if (reply[0] === -1) throw new NotFoundError(`case ${id} does not exist (it was removed while being updated)`);
      await backoff(attempt);
    }
    throw new VersionConflictError(id);
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

  async list(): Promise<string[]> {
    return this.redis.zrevrange(this.keys.caseIndex(), 0, -1);
  }
}

/** A few milliseconds, random, growing with the attempt: spreads writers that collided apart. */
function backoff(attempt: number): Promise<void> {
  if (attempt === 1) return Promise.resolve();
  const ms = Math.random() * Math.min(2 * attempt, 20);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
