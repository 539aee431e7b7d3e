/**
 * Bulk run: one case handing off many member accounts at once, through the real AWS adapter (SDK v3
 * clients against the sandbox with added latency), the shared Redis rate limit, BullMQ and the
 * account jobs. The run can go no faster than its AWS calls ÷ the rate limit (the floor); the figure
 * that matters is how close it comes: ratio = wall time ÷ floor (goal ≤ 1.2).
 *
 * The preflight (reading 200 accounts) is setup here, done without the rate limit; the measured part is
 * the run, from `runNow` to `runFinished`.
 *
 * Runs alone with `npx tsx bench/bulk-run.ts` (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { AwsClients } from "../adapters/aws/aws-clients";
import { RequestRateLimit } from "../adapters/aws/request-rate-limit";
import { SdkAwsOperations } from "../adapters/aws/sdk-aws-operations";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createBullConnection } from "../adapters/redis/connection";
import { BullJobQueue } from "../jobs/bull-job-queue";
import { runPreflight } from "../jobs/preflight";
import { startWorkers } from "../jobs/start-workers";
import { generateScenario, sandboxCredentials, startSandbox } from "../sandbox";
import type { Case, StepState } from "../src/case";
import { systemClock } from "../src/clock";
import type { AccountRejection, HandoffEvents } from "../src/handoff-events";
import { type HandoffStep, type Plan } from "../src/plan";
import { storePlan } from "../test/support/case-record";
import type { CaseStore } from "../src/ports";
import { deleteKeysWithPrefix } from "../test/support/redis";
import { RedisKeys } from "../adapters/redis/keys";

const members = Number(process.env.BENCH_ACCOUNTS ?? 200);
const artifactsPerAccount = 10;
const latencyMs = 20;
/** Requests per second for the whole run: 200 accounts take about two minutes at this rate. */
const rateLimitPerSecond = Number(process.env.BENCH_RATE ?? 150);
/**
 * Account jobs at once: enough to keep the rate limit busy at this latency, few enough that the progress updates of
 * one case rarely collide.
 */
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const timeoutMs = 5 * 60_000;

/** The core's part, reduced to what the jobs read back: the plan and each account's step states. */
class StoringEvents implements HandoffEvents {
  finished?: () => void;
  rejections: AccountRejection[] = [];
  constructor(private readonly cases: CaseStore) {}
  async planReady(caseId: string, plan: Plan): Promise<void> {
    await storePlan(this.cases, caseId, plan, "approved");
  }
  async planRejected(_caseId: string, rejections: AccountRejection[]): Promise<void> {
    this.rejections = rejections;
  }
  storeMs = 0;
  async stepChanged(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    state: StepState,
    error?: string,
  ): Promise<void> {
    const t = Date.now();
    try {
      await this.store(caseId, accountId, step, state, error);
    } finally {
      this.storeMs += Date.now() - t;
    }
  }
  private async store(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    state: StepState,
    error?: string,
  ): Promise<void> {
    await this.cases.updateAccounts(caseId, [accountId], (c, accounts) => {
      const account = accounts[accountId]?.progress ?? { accountId, steps: {}, updatedAt: "" };
      const progress = {
        ...account,
        steps: { ...account.steps, [step]: state },
        error,
        updatedAt: new Date().toISOString(),
      };
      return { case: c, accounts: { [accountId]: { progress } } };
    });
  }
  async runFinished(): Promise<void> {
    this.finished?.();
  }
  async remind(): Promise<void> {}
}

function totalCalls(counters: Record<string, number>): number {
  return Object.entries(counters)
    .filter(([key]) => key.split(":").length === 2 && !key.startsWith("sandbox:"))
    .reduce((n, [, v]) => n + v, 0);
}

export async function benchBulkRun(): Promise<Record<string, number | string>> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench:bulk-run:${randomBytes(4).toString("hex")}:`;
  const redis = new Redis(redisUrl);
  const bull = createBullConnection(redisUrl);
  const sandbox = await startSandbox({
    port: 0,
    scenario: generateScenario({ members, artifactsPerAccount }),
    faults: { latencyMs },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: sandbox.url,
    AWS_ACCESS_KEY_ID: sandboxCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxCredentials.secretAccessKey,
    AWS_REGION: "us-east-1",
  });
  const role = { memberRoleName: "OrganizationAccountAccessRole", partnerMarker: "CTL" };
  const setupClients = new AwsClients({ region: "us-east-1", ...role });
  const gate = new RequestRateLimit(redis, new RedisKeys(prefix).awsRate(), { perSecond: rateLimitPerSecond });
  const runClients = new AwsClients({ region: "us-east-1", ...role, gate });
  const cases = new RedisCaseStore(redis, prefix);
  const events = new StoringEvents(cases);
  const queue = new BullJobQueue({ connection: bull, prefix: new RedisKeys(prefix).bull(), cases });
  const workers = startWorkers({
    connection: bull,
    prefix: new RedisKeys(prefix).bull(),
    aws: new SdkAwsOperations(runClients, role),
    cases,
    events,
    concurrency,
  });
  try {
    const accountIds = [...sandbox.state.accounts.values()]
      .filter((a) => a.organizationId === "o-partner0001" && a.id !== "111111111111")
      .map((a) => a.id);
    const now = new Date().toISOString();
    const id = await cases.allocateId(2026);
    const created: Case = {
      id,
      status: "planning",
      locations: [{ platform: "web", channelId: "bench" }],
      ticket: {
        answers: {
          accountIds,
          accountsWithoutRootAccess: [],
          keepLifecycleTooling: true,
          bucketDisposition: "delete",
          removalBy: "partner",
          destination: "standalone",
          credentialDelivery: "link",
        },
        history: [],
        warnings: {},
      },
      accounts: accountIds,
      members: { customer: [], aws: [] },
      signOffs: [],
      createdBy: { platform: "web", userId: "bench" },
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await cases.create(created);
    const planned = await runPreflight(
      {
        aws: new SdkAwsOperations(setupClients, role),
        cases,
        events,
        partnerMarker: "CTL",
        clock: systemClock,
        inspectConcurrency: 32,
      },
      id,
      { lastAttempt: true },
    );
    if (planned !== "planned")
      throw new Error(`the preflight rejected the accounts: ${JSON.stringify(events.rejections.slice(0, 3))}`);
    const plans = await cases.accountPlans(id, accountIds);
    const artifacts = plans.reduce((n, a) => n + a.artifacts.length, 0);

    sandbox.resetCounters();
    const done = new Promise<void>((resolve, reject) => {
      events.finished = resolve;
      setTimeout(() => reject(new Error(`the run did not finish within ${timeoutMs / 1000} s`)), timeoutMs).unref();
    });
    const started = Date.now();
    await queue.runNow(id);
    await done;
    const wallSeconds = (Date.now() - started) / 1000;

    const calls = totalCalls(sandbox.counters());
    const floorSeconds = calls / rateLimitPerSecond;
    const final = await cases.accountProgress(id, accountIds);
    const failed = Object.values(final).filter((a) => Object.values(a.steps).includes("failed")).length;
    const left = accountIds.filter((a) => !sandbox.state.accounts.get(a)!.organizationId).length;
    return {
      accounts: accountIds.length,
      partnerArtifacts: artifacts,
      latencyMs,
      rateLimitPerSecond,
      workerConcurrency: concurrency,
      wallSeconds: round(wallSeconds),
      awsCalls: calls,
      callsPerAccount: round(calls / accountIds.length),
      floorSeconds: round(floorSeconds),
      ratio: round(wallSeconds / floorSeconds, 3),
      accountsLeft: left,
      accountsFailed: failed,
      storeSeconds: round(events.storeMs / 1000),
      caseKiB: round(JSON.stringify(final).length / 1024),
    };
  } finally {
    await workers.close();
    await queue.close();
    setupClients.destroy();
    runClients.destroy();
    await sandbox.close();
    await deleteKeysWithPrefix(redis, prefix);
    bull.disconnect();
    redis.disconnect();
  }
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

if (require.main === module) {
  benchBulkRun().then(
    (figures) => {
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
