import { FlowProducer, Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { CaseStore, JobQueue } from "../src/ports";
import { readyAccounts } from "../src/plan";
import { NotFoundError } from "../src/errors";
import {
  executeJob,
  executeQueueName,
  jobIds,
  preflightQueueName,
  reminderDays,
  remindersQueueName,
  type AccountJobData,
  type CaseJobData,
  type ReminderJobData,
} from "./handoff-queues";
import { retryPriority, roundRobinPriority } from "./fair-share";

export interface BullJobQueueOptions {
  /** A BullMQ connection (`createBullConnection`: `maxRetriesPerRequest: null`), or its options. */
  connection: unknown;
  /** BullMQ key prefix; workers must use the same one. Default `bull`. */
  prefix?: string;
  /** Read to derive idempotent ids (the plan's accounts, the case version). */
  cases: CaseStore;
  /** Connection errors of the queues (Redis away); without it they are dropped, not written to the console. */
  onError?: (error: Error, queue: string) => void;
}

const day = 86_400_000;

/**
 * Retries of an account job: throttling that outlasted the per-request backoff, AWS briefly away.
 * A reason someone must act on is not retried (UnrecoverableError); `retryAccount` runs it again.
 */
export const accountJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2000 },
  // A failed account must not hold up the others: the run's parent proceeds and reports it.
  ignoreDependencyOnFailure: true,
  removeOnComplete: { age: 30 * 86400 },
  removeOnFail: { age: 30 * 86400 },
};

/** Kept for a month so that a second `runNow` of the same case finds the run and adds nothing. */
const keep: JobsOptions = { removeOnComplete: { age: 30 * 86400 }, removeOnFail: { age: 30 * 86400 } };

/**
 * The JobQueue port on BullMQ. Every request is idempotent: ids are derived from the case, so a
 * repeated `preflight`, `scheduleRun`, `runNow`, `retryAccount` or `scheduleReminders` adds nothing new.
 */
export class BullJobQueue implements JobQueue {
  readonly preflightQueue: Queue<CaseJobData>;
  readonly executeQueue: Queue;
  readonly remindersQueue: Queue<ReminderJobData>;
  private readonly flows: FlowProducer;
  private readonly prefix?: string;
  private readonly cases: CaseStore;

  constructor(options: BullJobQueueOptions) {
    const base = { connection: options.connection as ConnectionOptions, prefix: options.prefix };
    this.prefix = options.prefix;
    this.cases = options.cases;
    this.preflightQueue = new Queue<CaseJobData>(preflightQueueName, {
      ...base,
      defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 2000 }, ...keep },
    });
    this.executeQueue = new Queue(executeQueueName, { ...base, defaultJobOptions: keep });
    this.remindersQueue = new Queue<ReminderJobData>(remindersQueueName, {
      ...base,
      defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, ...keep },
    });
    this.flows = new FlowProducer(base);
    // Without a listener BullMQ writes connection errors to the console, outside the redacting logger.
    const report = options.onError ?? (() => undefined);
    for (const queue of [this.preflightQueue, this.executeQueue, this.remindersQueue])
      queue.on("error", (error: Error) => report(error, queue.name));
    this.flows.on("error", (error: Error) => report(error, "flows"));
  }

  async preflight(caseId: string): Promise<void> {
    // One preflight per case at a time; a request while one waits is the same request.
    await this.preflightQueue.add(
      "preflight",
      { caseId },
      { deduplication: { id: jobIds.preflightDeduplication(caseId) } },
    );
  }

  async scheduleRun(caseId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - Date.now());
    const existing = await this.executeQueue.getJob(jobIds.scheduledRun(caseId));
    if (existing && (await existing.getState()) === "delayed") {
      // A new target date for the same case moves the one scheduled run.
      if (existing.timestamp + (existing.opts.delay ?? 0) !== at.getTime()) await existing.changeDelay(delay);
      return;
    }
    if (existing) await existing.remove().catch(() => undefined);
    await this.executeQueue.add(executeJob.start, { caseId } satisfies CaseJobData, {
      jobId: jobIds.scheduledRun(caseId),
      delay,
    });
  }

  async runNow(caseId: string): Promise<void> {
    await startRun(this.flows, this.executeQueue, this.cases, caseId);
  }

  async retryAccount(caseId: string, accountId: string): Promise<void> {
    const current = await this.cases.get(caseId);
    if (!current?.plan || !current.accounts.includes(accountId))
      throw new NotFoundError(`case ${caseId} has no account ${accountId} to retry`);
    // The case version changes as soon as the retry starts, so a double click adds one retry and a
    // later retry (after it failed again) adds a new one.
    const stamp = current.version;
    await this.flows.add({
      name: executeJob.finish,
      queueName: executeQueueName,
      data: { caseId } satisfies CaseJobData,
      opts: { jobId: jobIds.retryRun(caseId, accountId, stamp), ...keep },
      children: [
        {
          name: executeJob.account,
          queueName: executeQueueName,
          data: { caseId, accountId } satisfies AccountJobData,
          opts: {
            jobId: jobIds.retryAccount(caseId, accountId, stamp),
            priority: retryPriority,
            ...accountJobOptions,
          },
        },
      ],
    });
  }

  async wakeAccount(caseId: string, accountId: string): Promise<void> {
    // The run's own job first; a retried account's job has a stamped id, found among the delayed ones.
    const own = await this.executeQueue.getJob(jobIds.account(caseId, accountId));
    const waiting = own && (await own.isDelayed()) ? [own] : await this.executeQueue.getDelayed();
    for (const job of waiting) {
      const data = job.data as Partial<AccountJobData>;
      if (job.name !== executeJob.account || data.caseId !== caseId || data.accountId !== accountId) continue;
      // Promoted by another request in between, or already running: nothing to wake.
      await job.promote().catch(() => undefined);
    }
  }

  async cancelScheduled(caseId: string): Promise<void> {
    await this.removeIfWaiting(this.executeQueue, jobIds.scheduledRun(caseId));
    for (const days of reminderDays) await this.removeIfWaiting(this.remindersQueue, jobIds.reminder(caseId, days));
  }

  async scheduleReminders(caseId: string, targetDate: string): Promise<void> {
    const target = targetTime(targetDate);
    if (Number.isNaN(target)) throw new RangeError(`the target date "${targetDate}" is not a date`);
    for (const daysBefore of reminderDays) {
      const at = target - daysBefore * day;
      if (at <= Date.now()) continue;
      const jobId = jobIds.reminder(caseId, daysBefore);
      const existing = await this.remindersQueue.getJob(jobId);
      if (existing && (await existing.getState()) === "delayed") {
        if (existing.timestamp + (existing.opts.delay ?? 0) !== at) await existing.changeDelay(at - Date.now());
        continue;
      }
      if (existing) await existing.remove().catch(() => undefined);
      await this.remindersQueue.add("remind", { caseId, daysBefore }, { jobId, delay: at - Date.now() });
    }
  }

  async close(): Promise<void> {
    await Promise.all([
      this.preflightQueue.close(),
      this.executeQueue.close(),
      this.remindersQueue.close(),
      this.flows.close(),
    ]);
  }

  /** The BullMQ prefix, for the job dashboard. */
  get keyPrefix(): string | undefined {
    return this.prefix;
  }

  private async removeIfWaiting(queue: Queue, jobId: string): Promise<void> {
    const job = await queue.getJob(jobId);
    // A run already started is not cancelled here: the case's state machine has moved on by then.
    if (job && ["delayed", "waiting", "prioritized"].includes(await job.getState())) await job.remove();
  }
}

/**
 * Adds the run's flow: a parent that reports the end of the run, with one child per account the signed plan
 * shows ready (the blocked ones are left out: the workflow says which and why, and each runs later with
 * `retry <account>`). Its ids are the case's, so starting twice (a double click, a scheduled run firing after a
 * manual one) adds nothing.
 */
export async function startRun(
  flows: FlowProducer,
  executeQueue: Queue,
  cases: CaseStore,
  caseId: string,
): Promise<void> {
  if (await executeQueue.getJob(jobIds.run(caseId))) return;
  const current = await cases.get(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  if (!current.plan) throw new NotFoundError(`case ${caseId} has no plan yet: run the preflight first`);
  await flows.add({
    name: executeJob.finish,
    queueName: executeQueueName,
    data: { caseId } satisfies CaseJobData,
    opts: { jobId: jobIds.run(caseId), ...keep },
    // Round-robin between running cases (fair-share.ts): this run's n-th account after every case's (n-1)-th.
    children: readyAccounts(current.plan, current.accounts).map((accountId, index) => ({
      name: executeJob.account,
      queueName: executeQueueName,
      data: { caseId, accountId } satisfies AccountJobData,
      opts: { jobId: jobIds.account(caseId, accountId), priority: roundRobinPriority(index), ...accountJobOptions },
    })),
  });
}

/** A target date (`2026-03-31`) means the start of that day, UTC; a timestamp means itself. */
function targetTime(targetDate: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(targetDate) ? Date.parse(`${targetDate}T00:00:00Z`) : Date.parse(targetDate);
}
