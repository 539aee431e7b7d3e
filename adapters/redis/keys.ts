import type { ChatLocation } from "../../src/identity";

/**
 * Every Redis key Offboard's stores use, in one place, under the configured prefix (`offboard:`).
 *
 * | key                                   | type       | holds                                        |
 * | ------------------------------------- | ---------- | -------------------------------------------- |
 * | `case:{<id>}`                         | hash       | `json` (the Case document), `version`, and   |
 * |                                       |            | per account `plan:<account>` (its plan,      |
 * |                                       |            | deflated) and `progress:<account>` (its run) |
 * | `cases`                               | sorted set | case ids scored by creation time (ms)        |
 * | `case-seq:<year>`                     | string     | last case number allocated in the year       |
 * | `location:<platform>:{<channel>}[:<thread>]` | string | the case id a channel or thread belongs to |
 * | `idem:<key>`                          | string     | a claimed request id, expiring               |
 * | `audit:{<caseId>}`                    | stream     | the case's hash-chained audit events         |
 * | `audit-head:{<caseId>}`               | string     | hash of the case's last audit event          |
 * | `audit-cases`                         | sorted set | case ids scored by their latest audit event  |
 * | `credential:<kind>:<…>`               | various    | credential links (credential-link-store.ts)  |
 * | `teams:<kind>:<…>`                    | various    | Teams references and cards (adapters/teams)  |
 * | `slack:usergroup:<id>`                | string     | a partner user group's members, cached       |
 * | `{demo}:<kind>:<…>`                   | various    | the demo channel (demo-message-store.ts)     |
 * | `step-counts:{<caseId>}`              | hash       | per account, its running step's item count   |
 * | `{aws-rate}[:<…>]`                    | various    | the shared AWS request rate limit            |
 * | `{bull}:<queue>:…`                    | (BullMQ)   | the job queues, under BullMQ's own prefix    |
 * | `file:<sha256 of token>`              | string     | a file waiting for its one download (JSON)   |
 * | `link-code:<sha256 of code>`          | hash       | a case's one-time link code (link-code-store) |
 * | `{join-attempts}:<kind>:<id>`         | string     | refused `join`s of a person or conversation, |
 * |                                       |            | expiring with its window (join-attempt-counter) |
 *
 * **Hash slots.** On a Redis Cluster every key that one Lua script, MULTI or multi-key command touches
 * must hash to the same slot; the part in braces (a hash tag) is all that is hashed. So:
 * - everything of one case carries the case id as its tag (`case:{OFB-2026-0001}`, `audit:{…}`,
 *   `audit-head:{…}`, `step-counts:{…}`): one script may change any of a case's keys together (the audit append writes
 *   the stream and the head at once), and cases spread over the cluster;
 * - a thread's location key carries its channel as the tag, so the thread and its channel are read
 *   with one MGET;
 * - the `join` attempt counters share one slot (`{join-attempts}`): one script checks and counts a person's and a
 *   conversation's together;
 * - the demo channel, the rate limiter and BullMQ each live in one slot (`offboard:{bull}:…`): their
 *   scripts and transactions span their own keys. BullMQ's flows (a run and its account jobs, in two
 *   queues) need one slot for all queues. The tag follows the prefix, so every key Offboard writes
 *   still starts with `OFFBOARD_KEY_PREFIX` (backups, key sweeps and tests find them by it); two
 *   deployments sharing one cluster under different prefixes share these few slots, nothing else.
 * - every other key is read and written alone.
 * Ids inside tags are ours (case ids) or URI-encoded (channels), and the prefix may hold no brace
 * (`OFFBOARD_KEY_PREFIX` is checked), so a key's tag is always the one named here.
 *
 * A case's accounts are fields of its one hash, not keys of their own: reading the case is one HGET of `json` whatever
 * its size, and every script that changes a case touches one key (one Redis Cluster slot).
 *
 * Location parts are URI-encoded: Teams channel and reply-chain ids contain `:` and `;`. Each store's own table
 * of its keys sits beside it; this class is the one place their names are built.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {
    if (/[{}]/.test(prefix)) throw new RangeError(`a key prefix may not contain { or } (got "${prefix}")`);
  }

  case(id: string): string {
    return `${this.prefix}case:{${id}}`;
  }

  caseIndex(): string {
    return `${this.prefix}cases`;
  }

  caseSequence(year: number): string {
    return `${this.prefix}case-seq:${year}`;
  }

  /** The key of the thread when `where.threadId` is set, else of the channel. */
  location(where: ChatLocation): string {
    const channel = `${this.prefix}location:${where.platform}:{${encodeURIComponent(where.channelId)}}`;
    return where.threadId ? `${channel}:${encodeURIComponent(where.threadId)}` : channel;
  }

  idempotency(key: string): string {
    return `${this.prefix}idem:${key}`;
  }

  caseAudit(caseId: string): string {
    return `${this.prefix}audit:{${caseId}}`;
  }

  caseAuditHead(caseId: string): string {
    return `${this.prefix}audit-head:{${caseId}}`;
  }

  /** The cases with audit events, scored by the time of each one's latest event (ms). */
  auditIndex(): string {
    return `${this.prefix}audit-cases`;
  }

  /** A credential-link key: `credential:deposit:<hash>`, `credential:link:<hash>`, … */
  credential(kind: "deposit" | "deposit-current" | "link" | "attempts" | "once", ...parts: string[]): string {
    return [`${this.prefix}credential`, kind, ...parts].join(":");
  }

  /** A Teams key, each part URI-encoded: `teams:conversation:<id>`, `teams:card:<channel>:<message>`, … */
  teams(...parts: string[]): string {
    return [`${this.prefix}teams`, ...parts.map(encodeURIComponent)].join(":");
  }

  slackUserGroup(groupId: string): string {
    return `${this.prefix}slack:usergroup:${groupId}`;
  }

  /** The demo channel's keys all start with this: one hash slot, its transactions span its keys. */
  demoBase(): string {
    return `${this.prefix}{demo}:`;
  }

  /** Progress edits taken in one window of one workspace (edit-budget.ts), the scope as the hash tag. */
  editBudget(scope: string, window: number): string {
    return `${this.prefix}edit-budget:{${scope}}:${window}`;
  }

  /** A run's live step counts: one field per account (step-count-store.ts), in the case's slot. */
  stepCounts(caseId: string): string {
    return `${this.prefix}step-counts:{${caseId}}`;
  }

  /**
   * The shared AWS request rate limit: `offboard:{aws-rate}`, and any further key of the limiter
   * (`awsRate("case", id)` → `offboard:{aws-rate}:case:<id>`) in the same slot, so one script may
   * touch them all.
   */
  awsRate(...parts: string[]): string {
    return [`${this.prefix}{aws-rate}`, ...parts].join(":");
  }

  /** BullMQ's prefix for the job queues, one hash tag (BullMQ's scripts span a queue's keys, flows span queues). */
  bull(): string {
    return `${this.prefix}{bull}`;
  }

  /** A link code (`link`, `join <code>`), by the keyed hash (hex) of the code. */
  linkCode(codeHash: string): string {
    return `${this.prefix}link-code:${codeHash}`;
  }

  /**
   * The refused `join`s of a person (`person`, `<platform>:<user>@<team>`) or a conversation (`conversation`,
   * `<platform>:<channel>`), the id URI-encoded. All in the slot `{join-attempts}`: one script spans both of a join.
   */
  joinAttempts(kind: "person" | "conversation", id: string): string {
    return `${this.prefix}{join-attempts}:${kind}:${encodeURIComponent(id)}`;
  }

  /** A file behind a one-time download link, by the SHA-256 (hex) of the link's token. */
  oneTimeFile(tokenHash: string): string {
    return `${this.prefix}file:${tokenHash}`;
  }
}
