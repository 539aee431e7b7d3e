/**
 * Fair sharing of the management account's rate limit between cases that run at the same time.
 *
 * All account jobs of all cases share one execute queue, the workers' concurrency and one AWS rate limit
 * (`OFFBOARD_AWS_RATE_LIMIT`, adapters/aws/request-rate-limit.ts). Where a case could starve:
 *
 * - Queue order. A run adds all its account jobs at once; in BullMQ's first-in, first-out order a case of
 *   two accounts started a minute after a case of 200 waits until the 200 have all been taken.
 * - Worker slots. Every slot is then held by the big case's jobs, so nothing of the small case runs.
 * - The rate limit. It hands out slots in the order requests ask for them, which is fair per running job:
 *   each job has at most one request waiting at a time. It cannot be fairer between cases than the mix of
 *   jobs that run.
 *
 * So fairness is decided where jobs are taken: each account job gets a BullMQ priority from its place in
 * its own run — the first account of every case comes before the second of any case, the second before
 * the third, and so on (round-robin between cases; equal priorities go first in, first out). A case
 * started later gets the next free worker slot, and from then on the running jobs, and with them the rate
 * limit's slots, are shared between the running cases. BullMQ: "jobs with no explicit priority are
 * processed before prioritized jobs" (docs.bullmq.io/guide/jobs/prioritized), so a run's start and finish
 * jobs never wait behind accounts.
 */

/** BullMQ's highest priority number (the lowest priority). */
const lowestPriority = 2_097_151;

/**
 * The BullMQ priority of the account at `index` (0-based) of its run: 1 for every case's first account,
 * 2 for every second, … Runs longer than BullMQ's range share its lowest priority for the rest.
 */
export function roundRobinPriority(index: number): number {
  return Math.min(index + 1, lowestPriority);
}

/** An account someone asked to retry goes ahead of every run's queue: a person waits for it. */
export const retryPriority = 1;
