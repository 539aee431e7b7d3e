import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { RedisClient } from "../adapters/redis/connection";
import { observedProcessor, type JobObserver } from "./job-observation";
import type { CredentialExpiry, CredentialExpiryScheduler } from "../src/credentials/credential-expiry";

/** The queue of credential-link expiries: one delayed job per open retrieval link. */
export const credentialExpiryQueueName = "offboard-credential-expiry";

export interface CredentialExpiryQueueOptions {
  /** A BullMQ connection (`createBullConnection`): `maxRetriesPerRequest: null`. */
  connection: RedisClient;
  /** BullMQ key prefix; default `bull`. Queue and worker must agree on it. */
  prefix?: string;
}

/** What the worker calls: `CredentialService.expire`. */
export interface CredentialExpirer {
  expire(expiry: CredentialExpiry): Promise<"expired" | "skipped">;
}

/** The id of a link's expiry job: derived from its token hash, so scheduling twice keeps one job. */
function jobIdOf(tokenHash: string): string {
  return `expire-${tokenHash}`;
}

/**
 * Schedules expiries as delayed BullMQ jobs. They survive restarts (they live in Redis) and run on
 * whichever worker process is up at the time; a retrieval cancels its link's job.
 *
 * @example
 *   const expiry = new BullCredentialExpiryScheduler({ connection: createBullConnection(config.redisUrl) });
 *   await expiry.schedule({ caseId, accountId, tokenHash, expiresAt }, new Date(expiresAt));
 */
export class BullCredentialExpiryScheduler implements CredentialExpiryScheduler {
  readonly queue: Queue<CredentialExpiry>;

  constructor(options: CredentialExpiryQueueOptions) {
    this.queue = new Queue<CredentialExpiry>(credentialExpiryQueueName, {
      connection: options.connection as unknown as ConnectionOptions,
      prefix: options.prefix,
      defaultJobOptions: {
        // Secrets Manager or Redis may be briefly away: retry, the job is idempotent.
        attempts: 8,
        backoff: { type: "exponential", delay: 5000 },
        removeOnComplete: { age: 7 * 86400 },
        removeOnFail: { age: 30 * 86400 },
      },
    });
  }

  async schedule(expiry: CredentialExpiry, at: Date): Promise<void> {
    const data: CredentialExpiry = {
      caseId: expiry.caseId,
      accountId: expiry.accountId,
      tokenHash: expiry.tokenHash,
      expiresAt: expiry.expiresAt,
    };
    await this.queue.add("expire", data, {
      jobId: jobIdOf(expiry.tokenHash),
      delay: Math.max(0, at.getTime() - Date.now()),
    });
  }

  async cancel(tokenHash: string): Promise<void> {
    // A job already running cannot be removed; it finds the link retrieved and does nothing.
    await this.queue.remove(jobIdOf(tokenHash));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * The worker that expires links. Give it its own BullMQ connection.
 *
 * @example
 *   const worker = startCredentialExpiryWorker(credentialService, { connection: createBullConnection(url) });
 *   process.once("SIGTERM", () => void worker.close());
 */
export function startCredentialExpiryWorker(
  expirer: CredentialExpirer,
  options: CredentialExpiryQueueOptions & {
    concurrency?: number;
    onError?: (error: Error) => void;
    /** Told of every job attempt (metrics). */
    observer?: JobObserver;
  },
): Worker<CredentialExpiry> {
  const worker = new Worker<CredentialExpiry>(
    credentialExpiryQueueName,
    observedProcessor(
      credentialExpiryQueueName,
      async (job: Job<CredentialExpiry>) => expirer.expire(job.data),
      options.observer,
    ),
    {
      connection: options.connection as unknown as ConnectionOptions,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 5,
    },
  );
  // Without a listener BullMQ writes connection errors to the console, outside the redacting logger.
  worker.on("error", (error: Error) => options.onError?.(error));
  return worker;
}
