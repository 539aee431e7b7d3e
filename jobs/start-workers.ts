import {
  DelayedError,
  FlowProducer,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
} from "bullmq";
import type { AwsOperations } from "../src/aws/aws-operations";
import type { RootAccess } from "../src/aws/root-access";
import { systemClock, type Clock } from "../src/clock";
import type { HandoffEvents } from "../src/handoff-events";
import type { HandoffStep } from "../src/plan";
import type { CaseStore } from "../src/ports";
import { AccountStepFailed, runAccountHandoff, runHasFinished } from "./account-handoff";
import { startRun } from "./bull-job-queue";
import {
  executeJob,
  executeQueueName,
  jobIds,
  preflightQueueName,
  remindersQueueName,
  type AccountJobData,
  type CaseJobData,
  type ReminderJobData,
} from "./handoff-queues";
import { observedProcessor, type JobObserver } from "./job-observation";
import { runPreflight } from "./preflight";
import { sendReminders } from "./reminders";
import { InvalidAnswerError, NotFoundError } from "../src/errors";

export interface HandoffWorkerOptions {
  /** A BullMQ connection (`createBullConnection`) or its options; BullMQ duplicates it for blocking reads. */
  connection: unknown;
  /** BullMQ key prefix; the same as the BullJobQueue's. */
  prefix?: string;
  aws: AwsOperations;
  /** The passwordless root handover (AWS Account Management and root sessions). */
  rootAccess?: RootAccess;
  cases: CaseStore;
  events: HandoffEvents;
  /** Account jobs run at once in this process; default 10. The shared AWS rate limit is the real bound. */
  concurrency?: number;
  /** `OFFBOARD_PARTNER_MARKER`; default `CTL`. */
  partnerMarker?: string;
  /**
   * How often to look whether the customer has done their part (left the organization, given the code
   * of the root e-mail change); default 60 s. A `code` the bot accepts also wakes the account at once.
   */
  customerLeavePollMs?: number;
  /** Give up waiting for the customer after this long; default 14 days. */
  customerLeaveTimeoutMs?: number;
  /**
   * How long a job stays claimed without a heartbeat (default 30 s). A worker killed mid-job loses its
   * claim after this and another worker takes the job over.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died; default 30 s. */
  stalledIntervalMs?: number;
  clock?: Clock;
  /**
   * Connection and processing errors of the workers (Redis away, a job's lock lost). Without it BullMQ
   * writes them to the console, outside the redacting logger.
   */
  onError?: (error: Error, worker: string) => void;
  /** Told of every job attempt and how it ended (metrics). */
  observer?: JobObserver;
}

export interface HandoffWorkers {
  /** Whether every worker runs and its Redis connections are up (`/readyz`). */
  isReady(): Promise<boolean>;
  /** Stops taking jobs, lets running ones finish, and closes the connections. */
  close(): Promise<void>;
}

/**
 * Whether a BullMQ worker takes jobs: its loop runs, it is not closing, and its connections (the
 * ordinary one and the blocking one it waits for jobs on) are up. A worker whose Redis went away keeps
 * running and reconnects; until then it is not ready.
 */
export async function workerIsReady(worker: Worker): Promise<boolean> {
  if (!worker.isRunning() || worker.closing) return false;
  const backend = worker.getBackend() as unknown as {
    client: Promise<{ status: string }>;
    blockingClient?: Promise<{ status: string }>;
  };
  const clients = await Promise.all([backend.client, backend.blockingClient].filter((c) => c !== undefined));
  return clients.every((client) => client.status === "ready");
}

/**
 * Starts the workers of the three handoff queues (`--role worker|all`): preflight, execute (the run's
 * flow and its account jobs) and reminders.
 *
 * @example
 *   const workers = startWorkers({ connection: createBullConnection(url), prefix, aws, cases, events });
 *   process.once("SIGTERM", () => void workers.close());
 */
export function startWorkers(options: HandoffWorkerOptions): HandoffWorkers {
  const connection = options.connection as ConnectionOptions;
  const base = { connection, prefix: options.prefix };
  const timing = {
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job whose worker was killed is taken over, not failed, unless that keeps happening.
    maxStalledCount: 3,
  };
  const { aws, rootAccess, cases, events } = options;
  const clock = options.clock ?? systemClock;
  const pollMs = options.customerLeavePollMs ?? 60_000;
  const leaveTimeoutMs = options.customerLeaveTimeoutMs ?? 14 * 86_400_000;
  const flows = new FlowProducer(base);
  const executeQueue = new Queue(executeQueueName, base);

  const preflight = new Worker<CaseJobData>(
    preflightQueueName,
    observedProcessor(
      preflightQueueName,
      async (job: Job<CaseJobData>) =>
        runPreflight({ aws, cases, events, clock, partnerMarker: options.partnerMarker ?? "CTL" }, job.data.caseId, {
          lastAttempt: isLastAttempt(job),
        }),
      options.observer,
    ),
    { ...base, ...timing, concurrency: 4 },
  );

  const execute = new Worker(
    executeQueueName,
    observedProcessor(
      executeQueueName,
      async (job: Job, token?: string) => {
        switch (job.name) {
          case executeJob.start:
            return startRun(flows, executeQueue, cases, (job.data as CaseJobData).caseId);
          case executeJob.finish:
            return finishRun(job as Job<CaseJobData>);
          case executeJob.account:
            return handoffAccount(job as Job<AccountJobData>, token);
          default:
            throw new UnrecoverableError(`unknown job "${job.name}" on ${executeQueueName}`);
        }
      },
      options.observer,
    ),
    { ...base, ...timing, concurrency: options.concurrency ?? 10 },
  );

  const reminders = new Worker<ReminderJobData>(
    remindersQueueName,
    observedProcessor(
      remindersQueueName,
      async (job: Job<ReminderJobData>) => sendReminders({ aws, cases, events }, job.data.caseId, job.data.daysBefore),
      options.observer,
    ),
    { ...base, ...timing, concurrency: 2 },
  );
  const reportError = options.onError ?? (() => undefined);
  preflight.on("error", (error) => reportError(error, "preflight"));
  execute.on("error", (error) => reportError(error, "execute"));
  reminders.on("error", (error) => reportError(error, "reminders"));
  flows.on("error", (error) => reportError(error, "flows"));
  executeQueue.on("error", (error) => reportError(error, "execute queue"));

  async function finishRun(job: Job<CaseJobData>): Promise<void> {
    const current = await cases.get(job.data.caseId);
    if (!current) return;
    // The first run's parent runs once all its accounts have finished; a retry's parent announces the
    // end only when no other account is still on its way (two retries at once announce once).
    if (job.id === jobIds.run(job.data.caseId)) return events.runFinished(job.data.caseId);
    const progress = await cases.accountProgress(job.data.caseId, current.accounts);
    if (runHasFinished(current, progress)) await events.runFinished(job.data.caseId);
  }

  async function handoffAccount(job: Job<AccountJobData>, token?: string): Promise<string> {
    const { caseId, accountId } = job.data;
    let outcome;
    try {
      outcome = await runAccountHandoff({ aws, rootAccess, cases, events }, caseId, accountId, {
        lastAttempt: isLastAttempt(job),
      });
    } catch (error) {
      // Reported already, or nothing to run: retrying cannot help. Anything else (AWS throttled past the
      // backoff, the case store busy with concurrent updates, Redis away) is retried by BullMQ.
      if (error instanceof AccountStepFailed || error instanceof NotFoundError || error instanceof InvalidAnswerError)
        throw new UnrecoverableError(error.message);
      throw error;
    }
    if (outcome.kind !== "waiting_for_customer") return outcome.kind;

    // Waiting for the customer: look again later without holding a worker slot. The clock restarts
    // when the run waits at another step (the code given, then the customer's own leaving).
    const sameWait = job.data.waitingFor === undefined || job.data.waitingFor === outcome.step;
    const since = (sameWait ? job.data.waitingSince : undefined) ?? clock.now().getTime();
    if (clock.now().getTime() - since > leaveTimeoutMs) {
      const reason = gaveUpWaiting(accountId, outcome.step, Math.round(leaveTimeoutMs / 86_400_000));
      await events.stepChanged(caseId, accountId, outcome.step, "failed", reason);
      throw new UnrecoverableError(reason);
    }
    if (job.data.waitingSince !== since || job.data.waitingFor !== outcome.step)
      await job.updateData({ ...job.data, waitingSince: since, waitingFor: outcome.step });
    await job.moveToDelayed(Date.now() + pollMs, token);
    throw new DelayedError();
  }

  return {
    async isReady() {
      const states = await Promise.all([preflight, execute, reminders].map(workerIsReady));
      return states.every(Boolean);
    },
    async close() {
      await Promise.all([preflight.close(), execute.close(), reminders.close()]);
      await Promise.all([flows.close(), executeQueue.close()]);
    },
  };
}

/** Why the run stopped waiting, and what to do about it. */
function gaveUpWaiting(accountId: string, step: HandoffStep, days: number): string {
  if (step === "root_handover") {
    return `no customer approver gave the code for the new root e-mail of ${accountId} in ${days} days: a partner approver retries ${accountId} (AWS mails a new code), or hands it over through a one-time credential link (\`credentials ${accountId}\`)`;
  }
  return `account ${accountId} has not left the organization after ${days} days of waiting: ask the customer, or let the partner remove it (edit "removal by"), then retry`;
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
