import {
  actorKey,
  placeKey,
  hashEvent,
  payloadDigest,
  verifyChain,
  type ChainVerdict,
  type ChainedFields,
} from "../../src/audit/chain";
import type { AuditKeyring } from "../../src/audit/audit-key";
import { canonicalJson } from "../../src/canonical";
import { systemClock, type Clock } from "../../src/clock";
import { VersionConflictError } from "../../src/errors";
import type { Party } from "../../src/party";
import type { AuditEvent, AuditInput, AuditLog } from "../../src/ports";
import type { RedisClient } from "./connection";
import { RedisKeys } from "./keys";
import { LuaScript } from "./lua-script";

/**
 * Appends one event if the case's chain head is still the one its hash was computed against.
 * KEYS: head, case stream (one hash slot: both carry the case id as their tag). ARGV: expected head,
 * new hash, then the entry's field/value pairs. Returns {1, entry id} when appended, {0, current head}
 * when another append came first. The stream and the head change together or not at all.
 */
const appendScript = new LuaScript(
  `local head = redis.call('GET', KEYS[1]) or ''
if head ~= ARGV[1] then return {0, head} end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('SET', KEYS[1], ARGV[2])
return {1, id}`,
  2,
);

/** Attempts of one append against appends from other processes before giving up. */
const maxAttempts = 100;
/** Entries fetched per XRANGE call when reading a case's whole trail. */
const readPageSize = 500;

type StreamEntry = [id: string, fields: string[]];

/**
 * The audit trail on Redis Streams: append-only and hash-chained per case (`<prefix>audit:{<caseId>}`).
 * Reading across cases (`readGlobal`) merges the newest events of the most recently active cases, found
 * in a sorted set (`<prefix>audit-cases`: case id → time of its latest event). There is no second,
 * global copy of the events: on a Redis Cluster one script could not write it together with the case's
 * chain (another hash slot), and a copy written afterwards could be lost with the process. The index
 * is written before the event, so a case with events is always in it.
 *
 * Appends to one case are serialized so the chain never forks: within a process they queue behind
 * each other; across processes a Lua script appends only if the case's head hash is still the one the
 * new event was chained to, and the loser re-chains to the new head and tries again. Hashes are
 * computed here (HMAC-SHA-256 under the keyring's current key, in Node), the script only compares:
 * the key never reaches Redis.
 *
 * Streams are never trimmed: nothing recorded is ever lost.
 *
 * @example new RedisAuditLog(redis, config.keyPrefix, config.auditKeys)
 */
export class RedisAuditLog implements AuditLog {
  private readonly keys: RedisKeys;
  /** The last pending append of each case in this process. */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** The key new events are hashed under, and the older ones `readVerified` accepts. */
    readonly keyring: AuditKeyring,
    private readonly clock: Clock = systemClock,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  append(input: AuditInput): Promise<AuditEvent> {
    return this.inCaseOrder(input.caseId, () => this.appendNow(input));
  }

  async read(caseId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let start = "-";
    for (;;) {
      const page = (await this.redis.xrange(
        this.keys.caseAudit(caseId),
        start,
        "+",
        "COUNT",
        readPageSize,
      )) as StreamEntry[];
      for (const [id, fields] of page) events.push(toEvent(id, fields));
      if (page.length < readPageSize) return events;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  async readVerified(caseId: string): Promise<{ events: AuditEvent[]; verification: ChainVerdict }> {
    const [events, head] = await Promise.all([this.read(caseId), this.head(caseId)]);
    return { events, verification: verifyTrail(caseId, events, head, this.keyring) };
  }

  /**
   * The `count` newest events across cases, newest last. They are among the newest `count` events of
   * the `count` most recently active cases: one read per such case, whatever the number of cases.
   */
  async readGlobal(count = 100): Promise<AuditEvent[]> {
    if (count <= 0) return [];
    const caseIds = await this.redis.zrevrange(this.keys.auditIndex(), 0, count - 1);
    const trails = await Promise.all(
      caseIds.map(
        async (caseId) =>
          (await this.redis.xrevrange(this.keys.caseAudit(caseId), "+", "-", "COUNT", count)) as StreamEntry[],
      ),
    );
    const events = trails.flatMap((entries) => entries.map(([id, fields]) => toEvent(id, fields)));
    return events.sort(byTimeThenId).slice(-count);
  }

  /** Hash of the case's newest event as recorded at append time ("" before the first). */
  async head(caseId: string): Promise<string> {
    return (await this.redis.get(this.keys.caseAuditHead(caseId))) ?? "";
  }

  private async appendNow(input: AuditInput): Promise<AuditEvent> {
    const payload = input.payload === undefined ? undefined : canonicalJson(input.payload);
    const base = {
      caseId: input.caseId,
      actor: actorKey(input.actor),
      ...(input.party ? { party: input.party } : {}),
      ...(input.where ? { where: placeKey(input.where) } : {}),
      action: input.action,
      at: this.clock.now().toISOString(),
      payloadDigest: payloadDigest(input.payload),
      keyId: this.keyring.current.id,
    };
    const keys = [this.keys.caseAuditHead(input.caseId), this.keys.caseAudit(input.caseId)];
    // Index first: if the process dies after it, the index names a case whose event never came (harmless);
    // the other order could leave an event the index does not lead to. Sent beside the head's read: no
    // extra round trip.
    const [, head] = await Promise.all([
      this.redis.zadd(this.keys.auditIndex(), "GT", this.clock.now().getTime(), input.caseId),
      this.head(input.caseId),
    ]);
    let prevHash = head;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const fields: ChainedFields = { ...base, prevHash };
      const hash = hashEvent(fields, this.keyring.current);
      const entry = toStreamFields({ ...fields, hash }, payload);
      const [appended, value] = (await appendScript.run(this.redis, keys, [prevHash, hash, ...entry])) as [
        number,
        string,
      ];
      if (appended === 1) {
        return {
          id: value,
          ...fields,
          ...(payload === undefined ? {} : { payload: JSON.parse(payload) as unknown }),
          hash,
        };
      }
      prevHash = value;
    }
    throw new VersionConflictError(input.caseId);
  }

  /** Runs `work` after every earlier append of the same case in this process has settled. */
  private inCaseOrder<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(caseId) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(caseId, tail);
    void tail.then(() => {
      if (this.tails.get(caseId) === tail) this.tails.delete(caseId);
    });
    return result;
  }
}

/**
 * Verifies a case's whole trail: the keyed chain itself, and, when the log knows the head it recorded
 * (RedisAuditLog does), that the newest events were not cut off the end. The keyring defaults to the
 * log's own.
 */
export async function verifyCaseAudit(
  log: AuditLog & { head?(caseId: string): Promise<string>; keyring?: AuditKeyring },
  caseId: string,
  keyring: AuditKeyring | undefined = log.keyring,
): Promise<ChainVerdict> {
  if (!keyring) throw new Error("verifyCaseAudit needs the audit keyring");
  const events = await log.read(caseId);
  return verifyTrail(caseId, events, log.head ? await log.head(caseId) : undefined, keyring);
}

/** The chain, then the recorded head (when known) against the last event's hash. */
function verifyTrail(
  caseId: string,
  events: AuditEvent[],
  head: string | undefined,
  keyring: AuditKeyring,
): ChainVerdict {
  const verdict = verifyChain(events, keyring);
  if (!verdict.ok || head === undefined) return verdict;
  const last = events[events.length - 1];
  if (head !== (last?.hash ?? "")) {
    return {
      ok: false,
      index: events.length,
      eventId: "",
      reason: last
        ? `the audit trail of case ${caseId} ends at event ${last.id} but more events were recorded after it: the newest event(s) were deleted`
        : `the audit trail of case ${caseId} is empty but events were recorded: every event was deleted`,
    };
  }
  return verdict;
}

function toStreamFields(event: ChainedFields & { hash: string }, payload: string | undefined): string[] {
  const fields = ["caseId", event.caseId, "actor", event.actor, "action", event.action, "at", event.at];
  if (event.party) fields.push("party", event.party);
  if (event.where) fields.push("where", event.where);
  if (payload !== undefined) fields.push("payload", payload);
  fields.push(
    "payloadDigest",
    event.payloadDigest,
    "prevHash",
    event.prevHash,
    "keyId",
    event.keyId,
    "hash",
    event.hash,
  );
  return fields;
}

/** Oldest first by the time each event records, then by stream entry id (`<ms>-<seq>`) within a case. */
function byTimeThenId(a: AuditEvent, b: AuditEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const [aMs, aSeq] = a.id.split("-").map(Number);
  const [bMs, bSeq] = b.id.split("-").map(Number);
  return aMs - bMs || aSeq - bSeq;
}

function fieldsOf(flat: string[]): Record<string, string | undefined> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

function toEvent(id: string, flat: string[]): AuditEvent {
  const f = fieldsOf(flat);
  return {
    id,
    caseId: f.caseId ?? "",
    actor: f.actor ?? "",
    ...(f.party ? { party: f.party as Party } : {}),
    ...(f.where ? { where: f.where } : {}),
    action: f.action ?? "",
    at: f.at ?? "",
    ...(f.payload === undefined ? {} : { payload: parsePayload(f.payload) }),
    payloadDigest: f.payloadDigest ?? "",
    prevHash: f.prevHash ?? "",
    keyId: f.keyId ?? "",
    hash: f.hash ?? "",
  };
}

/** A payload that is no longer JSON was tampered with: keep the text so verification reports it. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
