import type Redis from "ioredis";
import { formatCaseId, type Case } from "../../src/case";
import { systemClock, type Clock } from "../../src/clock";
import { NotFoundError, OffboardError, VersionConflictError } from "../../src/errors";
import type { ChatLocation } from "../../src/identity";
import type { CaseStore } from "../../src/ports";
import { RedisKeys } from "./keys";
import { LuaScript } from "./lua-script";

/** Creating a case whose id is already stored. Ids come from `allocateId`, so this is a wiring bug. */
export class CaseAlreadyExistsError extends OffboardError {
  constructor(caseId: string) {
    // A create is a write against "version 0": finding a stored case is a version conflict.
    super("version_conflict", `case ${caseId} already exists; allocate a new id with allocateId() before creating a case`);
  }
}

/**
 * Stores the case only if none has its id. KEYS: case hash, case index. ARGV: json, version, score, id.
 * Returns 1 when stored, 0 when the id exists.
 */
const createScript = new LuaScript(
  `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1`,
  2,
);

/**
 * Compare-and-set on the version. KEYS: case hash. ARGV: expected version, new version, new json.
 * Returns {1} when written, {0, current json} when someone wrote first (so the retry needs no extra
 * read), {-1} when the case does not exist.
 */
const compareAndSetScript = new LuaScript(
  `local stored = redis.call('HMGET', KEYS[1], 'version', 'json')
if not stored[1] then return {-1} end
if stored[1] ~= ARGV[1] then return {0, stored[2]} end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[3])
return {1}`,
  1,
);

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
    private readonly redis: Redis,
    prefix: string,
    options: RedisCaseStoreOptions = {},
  ) {
    this.keys = new RedisKeys(prefix);
    this.clock = options.clock ?? systemClock;
    this.maxAttempts = options.maxAttempts ?? 100;
  }

  async allocateId(year: number): Promise<string> {
    if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`a case id needs a four-digit year, got ${year}`);
    const sequence = await this.redis.incr(this.keys.caseSequence(year));
    return formatCaseId(year, sequence);
  }

  async create(value: Case): Promise<Case> {
    const stored: Case = { ...value, version: 1 };
    const createdAtMs = Date.parse(stored.createdAt);
    const score = Number.isFinite(createdAtMs) ? createdAtMs : this.clock.now().getTime();
    const result = await createScript.run(this.redis, [this.keys.case(stored.id), this.keys.caseIndex()], [JSON.stringify(stored), 1, score, stored.id]);
    if (result !== 1) throw new CaseAlreadyExistsError(stored.id);
    return stored;
  }

  async get(id: string): Promise<Case | undefined> {
    const json = await this.redis.hget(this.keys.case(id), "json");
    return json === null ? undefined : (JSON.parse(json) as Case);
  }

  async update(id: string, change: (current: Case) => Case): Promise<Case> {
    const key = this.keys.case(id);
    let json = await this.redis.hget(key, "json");
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (json === null) throw new NotFoundError(`case ${id} does not exist`);
      // Parsed afresh each attempt: `change` gets its own copy and may mutate it freely.
      const current = JSON.parse(json) as Case;
      const changed = change(current);
      // A change that hands back the case it was given changed nothing: no write, no new version.
      if (changed === current) return current;
      const next: Case = { ...changed, id, version: current.version + 1, updatedAt: this.clock.now().toISOString() };
      const nextJson = JSON.stringify(next);
      const reply = (await compareAndSetScript.run(this.redis, [key], [current.version, next.version, nextJson])) as [number, string?];
      if (reply[0] === 1) return JSON.parse(nextJson) as Case;
      if (reply[0] === -1) throw new NotFoundError(`case ${id} does not exist (it was removed while being updated)`);
      json = reply[1] ?? null;
      await backoff(attempt);
    }
    throw new VersionConflictError(id);
  }

  async findByLocation(where: ChatLocation): Promise<string | undefined> {
    // A thread is bound to its case; a dedicated case channel is bound as a whole. Thread first.
    const candidates = where.threadId ? [this.keys.location(where), this.keys.location({ ...where, threadId: undefined })] : [this.keys.location(where)];
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
