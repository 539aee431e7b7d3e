/**
 * Composition root: reads the configuration and wires adapters, jobs and the core together. The only
 * file of src/ that knows the SDKs.
 *
 *   npm start                    # web and workers in one process (--role all)
 *   npm start -- --role web      # HTTP only: Slack, Teams, credential pages, demo channel
 *   npm start -- --role worker   # BullMQ workers only (preflight, execute, reminders, credential expiry)
 */
import type { Worker } from "bullmq";
import { createLogger, type Logger } from "../adapters/log/logger";
import { createBullConnection, createRedis, type RedisClient } from "../adapters/redis/connection";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { RedisCredentialLinkStore } from "../adapters/redis/credential-link-store";
import { checkRedisVersion, isRedisReady } from "../adapters/redis/health";
import { RedisIdempotencyStore } from "../adapters/redis/idempotency-store";
import { RedisStepCountStore } from "../adapters/redis/step-count-store";
import { RedisEditBudget } from "../adapters/redis/edit-budget";
import { RedisLinkCodeStore } from "../adapters/redis/link-code-store";
import { RedisJoinAttemptCounter } from "../adapters/redis/join-attempt-counter";
import { joinRefusalReport } from "../adapters/metrics/join-refusal-report";
import { awsCallObservation, createAwsOperations } from "../adapters/aws";
import { auditNotingCaseIds, notingCaseIds } from "../adapters/log/noting-case-ids";
import { meteredAuditLog } from "../adapters/metrics/metered-audit-log";
import { OffboardMetrics } from "../adapters/metrics/offboard-metrics";
import { CaseStatusSnapshotReader } from "../adapters/redis/case-status-snapshot";
import { SecretsManagerVault } from "../adapters/aws/secret-vault";
import { createSlackAdapter, type SlackAdapter } from "../adapters/slack";
import { createTeamsAdapter, type TeamsAdapter } from "../adapters/teams";
import { createCredentialRouter } from "../adapters/web/credential-router";
import { createFileDownloadRouter } from "../adapters/web/file-download-router";
import { OneTimeFileStore } from "../adapters/redis/one-time-file-store";
import { createDemoChannel, type DemoChannel } from "../adapters/web/demo-channel";
import { createHttpServer, type RunningHttpServer } from "../adapters/web/http-server";
import { createLegalPagesRouter } from "../adapters/web/legal-pages";
import { BullJobQueue } from "../jobs/bull-job-queue";
import { BullCredentialExpiryScheduler, startCredentialExpiryWorker } from "../jobs/credential-expiry";
import type { JobObserver } from "../jobs/job-observation";
import { startWorkers, workerIsReady, type HandoffWorkers } from "../jobs/start-workers";
import { systemClock } from "./clock";
import { loadConfig, type Config } from "./config";
import { ChatRouter, PartnerRouter } from "./conversation/chat-router";
import { OffboardConversation } from "./conversation/offboard-conversation";
import { CredentialService } from "./credentials/credential-service";
import { OffboardError } from "./errors";
import type { AuditLog, ChatPort, PartnerDirectory, PlatformChat } from "./ports";
import { RedisKeys } from "../adapters/redis/keys";

export type Role = "web" | "worker" | "all";

export interface StartOptions {
  role?: Role;
  /** Interface to listen on; default all interfaces (the container), the demo uses 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /**
   * How often waiting accounts look whether the customer has done their part; default
   * `OFFBOARD_CUSTOMER_POLL_MS`, else 60 s (tests: short).
   */
  customerPollMs?: number;
}

/** The job workers of roles worker and all: all of them (handoff queues and credential expiry) together. */
export interface RunningWorkers {
  /** Every worker runs and its Redis connections are up. */
  isReady(): Promise<boolean>;
  /** Stops taking jobs and lets running ones finish (then `/readyz` answers 503). */
  close(): Promise<void>;
}

export interface RunningOffboard {
  /**
   * The HTTP port bound. Roles web and all serve everything there; role worker serves only `/healthz`,
   * `/readyz` and `/metrics`, so probes and Prometheus reach every process the same way.
   */
  port?: number;
  conversation: OffboardConversation;
  /** The job workers (roles worker and all). */
  workers?: RunningWorkers;
  /** Every configured chat platform behind one door (what the core talks to). */
  chat: ChatPort;
  /** Graceful shutdown: stop taking requests, let jobs finish or hand them back, close Redis. */
  close(): Promise<void>;
}

/** Starts Offboard from a validated configuration. */
export async function startOffboard(config: Config, options: StartOptions = {}): Promise<RunningOffboard> {
  const role = options.role ?? "all";
  const logger = options.logger ?? createLogger(config.logLevel);
  // One server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES): every client below is built from it.
  const redisTarget = config.redisCluster ?? config.redisUrl;
  const redis = createRedis(redisTarget, {
    name: "offboard",
    onError: (error) => logger.warn({ err: error }, "Redis connection problem"),
  });
  await checkRedisVersion(redis);
  const prefix = config.keyPrefix;
  const bullPrefix = new RedisKeys(prefix).bull();
  const bullConnection = createBullConnection(redisTarget, { name: "offboard-bull" });
  const closers: (() => Promise<unknown>)[] = [];

  // Every line logged while a request or job is handled carries the case it touched first.
  const cases = notingCaseIds(new RedisCaseStore(redis, prefix));
  const onQueueError = (error: Error, queue: string) => logger.warn({ err: error, queue }, "job queue problem");
  const queue = new BullJobQueue({ connection: bullConnection, prefix: bullPrefix, cases, onError: onQueueError });
  const expiry = new BullCredentialExpiryScheduler({ connection: bullConnection, prefix: bullPrefix });
  expiry.queue.on("error", (error: Error) => onQueueError(error, expiry.queue.name));
  closers.push(
    () => queue.close(),
    () => expiry.close(),
  );
  const jobQueues = [queue.preflightQueue, queue.executeQueue, queue.remindersQueue, expiry.queue];
  const caseSnapshot = new CaseStatusSnapshotReader(redis, prefix);
  const metrics = config.metricsToken
    ? new OffboardMetrics({
        cases: () => caseSnapshot.read(),
        queues: jobQueues,
        ackRoutes: { "/slack/events": "slack", "/api/messages": "teams" },
      })
    : undefined;
  let audit: AuditLog = auditNotingCaseIds(new RedisAuditLog(redis, prefix, config.auditKeys));
  if (metrics) audit = meteredAuditLog(audit, metrics);
  const idempotency = new RedisIdempotencyStore(redis, prefix);

  const platforms: {
    chat: Partial<Record<"slack" | "teams" | "web", PlatformChat>>;
    partners: Partial<Record<"slack" | "teams" | "web", PartnerDirectory>>;
  } = { chat: {}, partners: {} };
  let slack: SlackAdapter | undefined;
  let teams: TeamsAdapter | undefined;
  let demo: DemoChannel | undefined;
  if (config.slack) {
    slack = createSlackAdapter({ ...config.slack, redis, prefix, logger });
    platforms.chat.slack = slack.chat;
    platforms.partners.slack = slack.partners;
    closers.push(() => slack!.stop());
  }
  if (config.teams) {
    teams = createTeamsAdapter({ ...config.teams, publicBaseUrl: config.publicBaseUrl, redis, prefix, logger });
    platforms.chat.teams = teams.chat;
    platforms.partners.teams = teams.partners;
  }
  if (config.demoChannel) {
    demo = createDemoChannel({ redis, prefix, partnerUsers: config.demoChannel.partnerUsers, logger });
    platforms.chat.web = demo.chat;
    platforms.partners.web = demo.partnerDirectory;
    closers.push(() => demo!.close());
  }
  const chat = new ChatRouter(platforms.chat);
  const partners = new PartnerRouter(platforms.partners);

  const {
    aws,
    rootAccess,
    close: closeAws,
  } = createAwsOperations(config, redis, {
    observer: metrics,
    onRateLimitWait: metrics && ((seconds) => metrics.rateLimitWaited(seconds)),
  });
  const vault = new SecretsManagerVault({
    region: config.aws.region,
    kmsKeyId: config.aws.kmsKeyId,
    plugins: metrics ? [awsCallObservation(metrics)] : [],
  });
  closers.push(
    async () => closeAws(),
    async () => vault.close(),
  );

  const credentials: CredentialService = new CredentialService({
    cases,
    audit,
    chat,
    vault,
    links: new RedisCredentialLinkStore(redis, prefix),
    clock: systemClock,
    expiry,
    publicBaseUrl: config.publicBaseUrl,
    linkTtlSeconds: config.linkTtlSeconds,
    log: logger,
    // The workflow is built with the conversation below, which needs this service first.
    rootEmails: {
      confirm: (caseId, accountId, by): Promise<unknown> =>
        conversation.workflow.confirmRootEmail(caseId, accountId, by),
    },
  });

  const conversation: OffboardConversation = new OffboardConversation({
    cases,
    audit,
    chat,
    idempotency,
    partners,
    clock: systemClock,
    // Only Teams needs asking for a person's e-mail (Slack brings it when they join the case channel).
    emails: teams?.emails,
    queue,
    // Account ids checked as they are answered, through the same AWS clients (and shared rate limit) as the jobs.
    organization: aws,
    credentials,
    stepCounts: new RedisStepCountStore(redis, prefix),
    editBudget: new RedisEditBudget(redis, prefix),
    linkCodes: new RedisLinkCodeStore(redis, prefix, config.auditKeys.current.secret),
    // Guessing link codes: refused `join`s limited per person and conversation, each one logged and counted.
    joinAttempts: new RedisJoinAttemptCounter(redis, prefix),
    joinRefusals: joinRefusalReport(logger, metrics),
    rootAccess,
    partnerName: config.partnerName,
    allowSameOrgApprovers: config.allowSameOrgApprovers,
    onError: (error, what) => logger.warn({ err: error }, `could not ${what}`),
  });
  slack?.attach(conversation);
  teams?.attach(conversation);

  let workers: RunningWorkers | undefined;
  // One line per job attempt, inside the job's log context (its id and case), and the job metrics.
  const jobObserver: JobObserver = {
    jobAttempt(record) {
      metrics?.jobAttempt(record);
      const entry = { job: record.name, outcome: record.outcome, ms: Math.round(record.seconds * 1000) };
      // A failure the job reported to the case itself (not retried) is the case's business, not the operator's.
      if (record.outcome === "failed" && record.retryable)
        logger.warn({ ...entry, err: record.error }, "job attempt failed");
      else if (record.outcome === "failed")
        logger.info({ ...entry, err: record.error }, "job attempt failed, reported to the case");
      else logger.debug(entry, "job attempt");
    },
  };
  if (role !== "web") {
    const onWorkerError = (error: Error, worker = "credential expiry") =>
      logger.warn({ err: error, worker }, "job worker problem");
    const handoff: HandoffWorkers = startWorkers({
      connection: bullConnection,
      prefix: bullPrefix,
      aws,
      rootAccess,
      cases,
      events: conversation.workflow,
      partnerMarker: config.aws.partnerMarker,
      concurrency: config.workers.concurrency,
      lockDurationMs: config.workers.lockDurationMs,
      stalledIntervalMs: config.workers.stalledIntervalMs,
      customerLeavePollMs: options.customerPollMs ?? config.workers.customerPollMs,
      onError: onWorkerError,
      observer: jobObserver,
    });
    const expiryWorker: Worker = startCredentialExpiryWorker(credentials, {
      connection: bullConnection,
      prefix: bullPrefix,
      onError: onWorkerError,
      observer: jobObserver,
    });
    workers = {
      isReady: async () => (await Promise.all([handoff.isReady(), workerIsReady(expiryWorker)])).every(Boolean),
      close: async () => {
        await Promise.all([handoff.close(), expiryWorker.close()]);
      },
    };
  }

  const server = createHttpServer({
    logger,
    publicBaseUrl: config.publicBaseUrl,
    readiness: async () => ({
      redis: await isRedisReady(redis),
      workers: workers ? await workers.isReady() : role === "web",
    }),
    adminToken: role === "worker" ? undefined : config.adminToken,
    queues: jobQueues,
    metrics:
      metrics && config.metricsToken
        ? { token: config.metricsToken, exposition: () => metrics.exposition() }
        : undefined,
    onRequest: metrics && ((record) => metrics.httpRequest(record)),
  });
  if (role !== "worker") {
    if (config.trustProxy !== undefined) server.app.set("trust proxy", config.trustProxy);
    if (slack) server.app.use(slack.router);
    if (teams) server.app.use(teams.router);
    server.app.use(createCredentialRouter(credentials, { logger }));
    server.app.use(createFileDownloadRouter(new OneTimeFileStore(redis, prefix), { logger }));
    server.app.use(createLegalPagesRouter());
    if (demo) server.app.use(demo.router(conversation));
  }
  const http: RunningHttpServer = await server.listen(config.port, options.host);
  logger.info(
    { port: http.port, role, slack: Boolean(slack), teams: Boolean(teams), demo: Boolean(demo) },
    role === "worker" ? "Offboard workers are running" : "Offboard is listening",
  );
  // Socket Mode takes Slack's requests like the HTTP endpoint does: only roles that take requests.
  if (role !== "worker" && slack?.startSocketMode) await slack.startSocketMode();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await http.close();
    await workers?.close();
    await conversation.workflow.close().catch(() => undefined);
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => logger.warn({ err: error }, "shutdown step failed"));
    await quit(bullConnection);
    await quit(redis);
  };
  return { port: http.port, conversation, workers, chat, close: () => (closing ??= close()) };
}

async function quit(redis: RedisClient): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

export function parseRole(argv: string[]): Role {
  const index = argv.indexOf("--role");
  const value = index >= 0 ? argv[index + 1] : "all";
  if (value !== "web" && value !== "worker" && value !== "all")
    throw new OffboardError("config_invalid", `--role must be web, worker or all (got ${value ?? "nothing"})`);
  return value;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requirePlatform: true });
  const logger = createLogger(config.logLevel);
  const running = await startOffboard(config, { role: parseRole(process.argv.slice(2)), logger });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "shutting down");
      const forced = setTimeout(() => process.exit(1), 30_000);
      forced.unref();
      void running.close().then(() => process.exit(0));
    });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof OffboardError ? error.message : error);
    process.exit(1);
  });
}
