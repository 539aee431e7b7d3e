import type { RedisClient } from "./connection";
import type { StepCountStore } from "../../src/ports";
import type { StepCount } from "../../src/step-count";
import { RedisKeys } from "./keys";

/**
 * How long a run's counts stay after their last change. They only feed the live progress message: a run that has
 * been quiet this long shows its steps without counts, which its step states still tell.
 */
const countsTtlSeconds = 7 * 24 * 3600;

/**
 * Step counts in one hash per case, `step-counts:{<caseId>}`, a field per account holding its latest `StepCount` as
 * JSON. A count is the absolute position (`done` of `total`), so writing the same one twice (a retried job) changes
 * nothing, and a resumed step simply overwrites it.
 */
export class RedisStepCountStore implements StepCountStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async record(caseId: string, accountId: string, count: StepCount): Promise<void> {
    const key = this.keys.stepCounts(caseId);
    await this.redis.multi().hset(key, accountId, JSON.stringify(count)).expire(key, countsTtlSeconds).exec();
  }

  async read(caseId: string): Promise<Record<string, StepCount>> {
    const stored = await this.redis.hgetall(this.keys.stepCounts(caseId));
    const counts: Record<string, StepCount> = {};
    for (const [accountId, json] of Object.entries(stored)) {
      try {
        counts[accountId] = JSON.parse(json) as StepCount;
      } catch {
        // A field that is not ours is no count to show.
      }
    }
    return counts;
  }
}
