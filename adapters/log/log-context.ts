import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * What every log line written while handling one HTTP request or one job carries: a correlation id
 * (the request's `X-Request-Id`, or a generated one; a job's id) and, once known, the case id.
 */
export interface LogContext {
  /** Ties together every line of one request or job, across processes when the caller passed it on. */
  correlationId: string;
  caseId?: string;
  /** The BullMQ job, for lines written by a job. */
  jobId?: string;
  queue?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with `context`: the process logger (`createLogger`) adds its fields to every line written
 * from inside, including from code that knows nothing of requests or jobs.
 *
 * @example
 *   withLogContext({ correlationId: job.id, jobId: job.id, caseId: job.data.caseId }, () => runJob(job));
 */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context of the request or job being handled, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * Records the case the current request or job turned out to be about (the first one it touched), so
 * the lines after carry it. Outside any request or job it does nothing.
 */
export function noteCaseId(caseId: string | undefined): void {
  const context = storage.getStore();
  if (context && caseId && context.caseId === undefined) context.caseId = caseId;
}

/** The fields of the current context, for a log line (empty outside any request or job). */
export function logContextFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const fields: Record<string, string> = { correlationId: context.correlationId };
  if (context.caseId) fields.caseId = context.caseId;
  if (context.jobId) fields.jobId = context.jobId;
  if (context.queue) fields.queue = context.queue;
  return fields;
}

const acceptableRequestId = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The correlation id of an incoming request: its `X-Request-Id` when that is a sane token (a load
 * balancer's or a caller's), else a new UUID. Anything else is replaced rather than logged.
 */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && acceptableRequestId.test(given) ? given : randomUUID();
}
