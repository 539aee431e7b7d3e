import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AwsCallObserver, AwsCallRecord } from "../aws/aws-call-observation";
import type { CaseStatusSnapshot } from "../redis/case-status-snapshot";
import type { HttpRequestRecord } from "../web/http-server";

/** One BullMQ queue as the scrape reads it. */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** One job attempt (the jobs' observer reports these). */
export interface JobAttempt {
  queue: string;
  name: string;
  outcome: "completed" | "failed" | "delayed";
  seconds: number;
}

export interface OffboardMetricsOptions {
  /** Where the cases stand, read at each scrape. */
  cases?: () => Promise<CaseStatusSnapshot>;
  /** The queues whose jobs are counted by state at each scrape. */
  queues?: CountableQueue[];
  /** The routes whose answers are a chat platform's acknowledgement: route → platform. */
  ackRoutes?: Record<string, string>;
  /** The process's own metrics (CPU, memory, event loop, GC); default on. */
  processMetrics?: boolean;
}

/** The job states counted at each scrape. */
export const jobStates = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"];

const secondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric Offboard exports, in the Prometheus text format (`GET /metrics`), all named
 * `offboard_…`. Counters and histograms are this process's; the gauges of cases and jobs are read
 * from Redis at each scrape and are the same in every process (aggregate them with `max`, not `sum`).
 * The adapters report through small observer interfaces (`awsCall`, `jobAttempt`, `httpRequest`, …),
 * so none of them imports prom-client.
 *
 * @example
 *   const metrics = new OffboardMetrics({ cases: () => snapshot.read(), queues });
 *   createHttpServer({ …, metrics: { token, exposition: () => metrics.exposition() } });
 */
export class OffboardMetrics implements AwsCallObserver {
  readonly registry = new Registry();
  private readonly ackRoutes: Record<string, string>;

  private readonly httpDuration = new Histogram({
    name: "offboard_http_request_duration_seconds",
    help: "HTTP requests by route pattern, method and status, from arrival to the answer",
    labelNames: ["route", "method", "status"] as const,
    buckets: secondsBuckets,
    registers: [this.registry],
  });

  private readonly ackDuration = new Histogram({
    name: "offboard_chat_ack_duration_seconds",
    help: "Time to acknowledge a Slack or Teams request (Slack retries after 3 s)",
    labelNames: ["platform", "status"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });

  private readonly awsCalls = new Counter({
    name: "offboard_aws_calls_total",
    help: "AWS calls by service, operation and outcome (success, throttled, conflict, unavailable, not_found, access_denied, constraint, error), after retries",
    labelNames: ["service", "operation", "outcome"] as const,
    registers: [this.registry],
  });

  private readonly awsRetries = new Counter({
    name: "offboard_aws_retries_total",
    help: "AWS attempts that failed and were retried, by service, operation and why (throttled, conflict, unavailable, …)",
    labelNames: ["service", "operation", "reason"] as const,
    registers: [this.registry],
  });

  private readonly awsDuration = new Histogram({
    name: "offboard_aws_call_duration_seconds",
    help: "AWS calls from the first attempt to the last answer, rate-limit waits and backoff included",
    labelNames: ["service"] as const,
    buckets: secondsBuckets,
    registers: [this.registry],
  });

  private readonly rateLimitWait = new Histogram({
    name: "offboard_aws_rate_limit_wait_seconds",
    help: "How long each AWS request waited for its slot of the shared rate limit (OFFBOARD_AWS_RATE_LIMIT)",
    buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly jobAttempts = new Counter({
    name: "offboard_job_attempts_total",
    help: "Job attempts by queue, job name and outcome (completed, failed, delayed: waiting for the customer)",
    labelNames: ["queue", "name", "outcome"] as const,
    registers: [this.registry],
  });

  private readonly jobDuration = new Histogram({
    name: "offboard_job_duration_seconds",
    help: "Job attempts from start to end, by queue",
    labelNames: ["queue"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  private readonly credentialLinks = new Counter({
    name: "offboard_credential_links_total",
    help: "Credential link events by state: deposit_link_sent, deposited, link_sent, retrieved, revisited, expired (unopened), lost",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  private readonly auditVerifications = new Counter({
    name: "offboard_audit_verifications_total",
    help: "Audit trail verifications (a case's hash chain checked) by result: ok or broken",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  private readonly joinRefusals = new Counter({
    name: "offboard_join_refused_total",
    help: "Refused `join <code>` attempts by why: unknown, used, expired (code) or locked (too many refused attempts)",
    labelNames: ["because"] as const,
    registers: [this.registry],
  });

  private readonly joinLocks = new Counter({
    name: "offboard_join_locks_total",
    help: "Times a person or a conversation reached the limit of refused `join`s and was locked out for the window",
    labelNames: ["subject"] as const,
    registers: [this.registry],
  });

  constructor(private readonly options: OffboardMetricsOptions = {}) {
    this.ackRoutes = options.ackRoutes ?? {};
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "offboard_" });
    const cases = options.cases;
    if (cases) {
      let last: Promise<CaseStatusSnapshot> | undefined;
      // The three case gauges are collected together: one read of the case store per scrape.
      const snapshot = (): Promise<CaseStatusSnapshot> =>
        (last ??= cases().finally(() => setTimeout(() => (last = undefined), 0)));
      new Gauge({
        name: "offboard_cases",
        help: "Cases by status",
        labelNames: ["status"] as const,
        registers: [this.registry],
        async collect() {
          const { byStatus } = await snapshot();
          this.reset();
          for (const [status, count] of Object.entries(byStatus)) this.set({ status }, count);
        },
      });
      new Gauge({
        name: "offboard_case_run_longest_seconds",
        help: "The longest any executing case has run since its run (or last retry) started; 0 when none runs",
        registers: [this.registry],
        async collect() {
          this.set((await snapshot()).longestRunSeconds ?? 0);
        },
      });
      new Gauge({
        name: "offboard_credential_link_unopened_expiry_seconds",
        help: "Seconds until the soonest unopened retrieval link expires; absent when no link is open",
        registers: [this.registry],
        async collect() {
          const seconds = (await snapshot()).soonestUnopenedLinkExpirySeconds;
          this.reset();
          if (seconds !== undefined) this.set(seconds);
        },
      });
    }
    const queues = options.queues ?? [];
    if (queues.length > 0) {
      new Gauge({
        name: "offboard_jobs",
        help: "Jobs by queue and state (waiting, active, delayed, completed, failed, …)",
        labelNames: ["queue", "state"] as const,
        registers: [this.registry],
        async collect() {
          const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...jobStates)));
          this.reset();
          queues.forEach((queue, i) => {
            for (const state of jobStates) this.set({ queue: queue.name, state }, counts[i][state] ?? 0);
          });
        },
      });
    }
  }

  /** The exposition for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  httpRequest(record: HttpRequestRecord): void {
    const labels = { route: record.route, method: record.method, status: String(record.status) };
    this.httpDuration.observe(labels, record.seconds);
    const platform = this.ackRoutes[record.route];
    if (platform) this.ackDuration.observe({ platform, status: String(record.status) }, record.seconds);
  }

  awsCall(record: AwsCallRecord): void {
    const { service, operation } = record;
    this.awsCalls.inc({ service, operation, outcome: record.outcome });
    for (const reason of record.retries) this.awsRetries.inc({ service, operation, reason });
    this.awsDuration.observe({ service }, record.seconds);
  }

  rateLimitWaited(seconds: number): void {
    this.rateLimitWait.observe(seconds);
  }

  jobAttempt(record: JobAttempt): void {
    this.jobAttempts.inc({ queue: record.queue, name: record.name, outcome: record.outcome });
    this.jobDuration.observe({ queue: record.queue }, record.seconds);
  }

  credentialLink(state: string): void {
    this.credentialLinks.inc({ state });
  }

  auditVerified(ok: boolean): void {
    this.auditVerifications.inc({ result: ok ? "ok" : "broken" });
  }

  joinRefused(because: string): void {
    this.joinRefusals.inc({ because });
  }

  joinLocked(subject: string): void {
    this.joinLocks.inc({ subject });
  }
}
