import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { withLogContext } from "../adapters/log/log-context";

/** How one run of a job's processor ended. `delayed`: it put itself back to look again later. */
export type JobAttemptOutcome = "completed" | "failed" | "delayed";

export interface JobAttemptRecord {
  queue: string;
  /** The job's name (`account`, `start`, `preflight`, …). */
  name: string;
  outcome: JobAttemptOutcome;
  seconds: number;
  /** Why a failed attempt failed. */
  error?: unknown;
  /**
   * A failed attempt BullMQ will try again (while attempts remain). Not so for an `UnrecoverableError`:
   * the job already told the case why (a customer's missing payment method, say) and retrying cannot help.
   */
  retryable?: boolean;
}

/** Told of every attempt of every job (metrics). Must not throw. */
export interface JobObserver {
  jobAttempt(record: JobAttemptRecord): void;
}

/**
 * Wraps a BullMQ processor so that every line logged while it runs carries the job id (as the
 * correlation id) and the case id, and every attempt is reported to `observer`.
 *
 * @example new Worker(queueName, observedProcessor(queueName, (job) => work(job), metrics), options);
 */
export function observedProcessor<J extends Job, R>(
  queue: string,
  processor: (job: J, token?: string) => Promise<R>,
  observer?: JobObserver,
): (job: J, token?: string) => Promise<R> {
  return (job, token) => {
    const caseId = (job.data as { caseId?: unknown } | undefined)?.caseId;
    const jobId = job.id ?? "unknown";
    return withLogContext(
      { correlationId: jobId, jobId, queue, caseId: typeof caseId === "string" ? caseId : undefined },
      async () => {
        const startedAt = process.hrtime.bigint();
        const report = (outcome: JobAttemptOutcome, error?: unknown) => {
          try {
            observer?.jobAttempt({
              queue,
              name: job.name,
              outcome,
              seconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
              ...(error === undefined ? {} : { error, retryable: !(error instanceof UnrecoverableError) }),
            });
          } catch {
            // Metrics never fail a job.
          }
        };
        try {
          const result = await processor(job, token);
          report("completed");
          return result;
        } catch (error) {
          if (error instanceof DelayedError) report("delayed");
          else report("failed", error);
          throw error;
        }
      },
    );
  };
}
