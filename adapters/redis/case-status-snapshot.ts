import type { RedisClient } from "./connection";
import type { Case } from "../../src/case";
import { RedisKeys } from "./keys";

/** Where the cases stand, for the metrics scrape. */
export interface CaseStatusSnapshot {
  /** Cases by status (`collecting`, `executing`, …). */
  byStatus: Record<string, number>;
  /**
   * The longest time any case has been executing: since its case document last changed while it ran
   * (the run's start, or a retry's), in seconds. Undefined when none is executing.
   */
  longestRunSeconds?: number;
  /** Seconds until the soonest retrieval link that nobody opened expires. Undefined when none is open. */
  soonestUnopenedLinkExpirySeconds?: number;
}

interface CachedCase {
  version: string;
  status: string;
  /** ms since the epoch */
  updatedAt: number;
  /** Expiry (ms since the epoch) of each link sent and not yet retrieved. */
  unopenedLinkExpiries: number[];
}

/**
 * Counts the cases by status cheaply enough to run at every scrape: one `HGET version` per
 * case, and the case document read again only for cases whose version moved since the last scrape (a
 * run's step progress lives beside the document and does not move it). Per process memory: a few
 * numbers per case.
 *
 * @example const snapshot = await new CaseStatusSnapshotReader(redis, "offboard:").read();
 */
export class CaseStatusSnapshotReader {
  private readonly keys: RedisKeys;
  private readonly cache = new Map<string, CachedCase>();

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async read(): Promise<CaseStatusSnapshot> {
    const ids = await this.redis.zrange(this.keys.caseIndex(), "0", "-1");
    const versions = await this.hget(ids, "version");
    const stale: { id: string; version: string }[] = [];
    ids.forEach((id, i) => {
      const version = versions[i];
      if (version !== null && this.cache.get(id)?.version !== version) stale.push({ id, version });
    });
    const documents = await this.hget(
      stale.map((s) => s.id),
      "json",
    );
    stale.forEach(({ id, version }, i) => {
      const json = documents[i];
      if (json !== null) this.cache.set(id, summarize(JSON.parse(json) as Case, version));
    });
    const present = new Set(ids.filter((_, i) => versions[i] !== null));
    for (const id of this.cache.keys()) if (!present.has(id)) this.cache.delete(id);

    const now = this.now();
    const byStatus: Record<string, number> = {};
    let longestRunSeconds: number | undefined;
    let soonest: number | undefined;
    for (const entry of this.cache.values()) {
      byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
      if (entry.status === "executing")
        longestRunSeconds = Math.max(longestRunSeconds ?? 0, Math.max(0, (now - entry.updatedAt) / 1000));
      for (const expiry of entry.unopenedLinkExpiries) soonest = Math.min(soonest ?? Infinity, expiry);
    }
    return {
      byStatus,
      longestRunSeconds,
      soonestUnopenedLinkExpirySeconds: soonest === undefined ? undefined : (soonest - now) / 1000,
    };
  }

  /**
   * One field of many cases, a bounded number in flight at once. One command per case: cases sit in
   * different hash slots, which on a cluster no single pipeline or MGET may span (the client batches
   * the commands per node itself).
   */
  private async hget(ids: string[], field: string): Promise<(string | null)[]> {
    const values: (string | null)[] = [];
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      values.push(...(await Promise.all(batch.map((id) => this.redis.hget(this.keys.case(id), field)))));
    }
    return values;
  }
}

function summarize(value: Case, version: string): CachedCase {
  const unopenedLinkExpiries: number[] = [];
  for (const record of Object.values(value.credentials ?? {})) {
    const expiry = record.expiresAt ? Date.parse(record.expiresAt) : NaN;
    if (record.state === "link_sent" && Number.isFinite(expiry)) unopenedLinkExpiries.push(expiry);
  }
  return { version, status: value.status, updatedAt: Date.parse(value.updatedAt) || 0, unopenedLinkExpiries };
}
