import type { ChatLocation } from "../../src/identity";

/**
 * Every Redis key Offboard's stores use, in one place, under the configured prefix (`offboard:`).
 *
 * | key                                   | type       | holds                                        |
 * | ------------------------------------- | ---------- | -------------------------------------------- |
 * | `case:<id>`                           | hash       | `json` (the Case), `version`, and one        |
 * |                                       |            | `progress:<account>` per account of the run  |
 * | `cases`                               | sorted set | case ids scored by creation time (ms)        |
 * | `case-seq:<year>`                     | string     | last case number allocated in the year       |
 * | `location:<platform>:<channel>[:<thread>]` | string | the case id a channel or thread belongs to  |
 * | `idem:<key>`                          | string     | a claimed request id, expiring               |
 * | `audit:<caseId>`                      | stream     | the case's hash-chained audit events         |
 * | `audit-head:<caseId>`                 | string     | hash of the case's last audit event          |
 * | `audit`                               | stream     | every audit event of every case              |
 * | `credential:<kind>:<…>`               | various    | credential links (credential-link-store.ts)  |
 * | `teams:<kind>:<…>`                    | various    | Teams references and cards (adapters/teams)  |
 * | `slack:usergroup:<id>`                | string     | a partner user group's members, cached       |
 * | `demo:<kind>:<…>`                     | various    | the demo channel (demo-message-store.ts)     |
 * | `aws-rate`                            | string     | the shared AWS request rate limit            |
 * | `step-counts:<caseId>`                | hash       | per account, its running step's item count   |
 * | `bull:<queue>:…`                      | (BullMQ)   | the job queues, under BullMQ's own prefix    |
 * | `file:<sha256 of token>`              | string     | a file waiting for its one download (JSON)   |
 * | `link-code:<sha256 of code>`          | hash       | a case's one-time link code (link-code-store) |
 *
 * Location parts are URI-encoded: Teams channel and reply-chain ids contain `:` and `;`. Each store's own table
 * of its keys sits beside it; this class is the one place their names are built.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  case(id: string): string {
    return `${this.prefix}case:${id}`;
  }

  caseIndex(): string {
    return `${this.prefix}cases`;
  }

  caseSequence(year: number): string {
    return `${this.prefix}case-seq:${year}`;
  }

  /** The key of the thread when `where.threadId` is set, else of the channel. */
  location(where: ChatLocation): string {
    const channel = `${this.prefix}location:${where.platform}:${encodeURIComponent(where.channelId)}`;
    return where.threadId ? `${channel}:${encodeURIComponent(where.threadId)}` : channel;
  }

  idempotency(key: string): string {
    return `${this.prefix}idem:${key}`;
  }

  caseAudit(caseId: string): string {
    return `${this.prefix}audit:${caseId}`;
  }

  caseAuditHead(caseId: string): string {
    return `${this.prefix}audit-head:${caseId}`;
  }

  globalAudit(): string {
    return `${this.prefix}audit`;
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

  /** The demo channel's keys all start with this. */
  demoBase(): string {
    return `${this.prefix}demo:`;
  }

  /** A run's live step counts: one field per account (step-count-store.ts). */
  stepCounts(caseId: string): string {
    return `${this.prefix}step-counts:${caseId}`;
  }

  awsRate(): string {
    return `${this.prefix}aws-rate`;
  }

  /** BullMQ's prefix for the job queues. */
  bull(): string {
    return `${this.prefix}bull`;
  }

  /** A link code (`link`, `join <code>`), by the SHA-256 (hex) of the code. */
  linkCode(codeHash: string): string {
    return `${this.prefix}link-code:${codeHash}`;
  }

  /** A file behind a one-time download link, by the SHA-256 (hex) of the link's token. */
  oneTimeFile(tokenHash: string): string {
    return `${this.prefix}file:${tokenHash}`;
  }
}
