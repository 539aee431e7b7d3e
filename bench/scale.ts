/**
 * Scale: a whole book of customers at once (issue #17). 50 cases × 10 member accounts are started together
 * on a fleet as production runs it — three `--role worker` processes and one `--role web` process (src/main.ts)
 * on one Redis, the AWS sandbox in its own process with 10 ms added latency, all sharing one AWS rate limit of
 * 300 requests a second (`OFFBOARD_AWS_RATE_LIMIT`).
 *
 * Figures:
 * - wall time of the whole book (every case's run started → the last case finished) against the rate-limit
 *   floor (AWS calls made ÷ the limit): goal ≤ 1.15×;
 * - the slowest case's time against the fastest's (each from the common start to its own end): with fair
 *   sharing the cases finish together, in first-in, first-out order the first case would end after a
 *   fiftieth of the run;
 * - the Slack ack p99 of the web process at 20 signed requests a second during the run: goal < 100 ms;
 * - Redis bytes per account without the audit trail, and the time to read a case of 2,000 accounts
 *   (bench/case-read.ts): goals < 4 KB and < 5 ms.
 *
 * The preflights (500 accounts read) are setup, done before and without the rate limit.
 *
 * Runs alone with `npx tsx bench/scale.ts` or `npm run bench -- scale` (REDIS_URL, default
 * redis://127.0.0.1:6379). BENCH_SCALE_CASES, BENCH_SCALE_ACCOUNTS, BENCH_SCALE_ARTIFACTS, BENCH_SCALE_RATE
 * BENCH_SCALE_CONCURRENCY (account jobs per worker process) and BENCH_SCALE_TIMEOUT_S (default 600: past it the
 * figures are reported over the cases that finished) change the defaults.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { AwsClients } from "../adapters/aws/aws-clients";
import { SdkAwsOperations } from "../adapters/aws/sdk-aws-operations";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { RedisKeys } from "../adapters/redis/keys";
import { createBullConnection } from "../adapters/redis/connection";
import { BullJobQueue } from "../jobs/bull-job-queue";
import { runPreflight } from "../jobs/preflight";
import { generateScenario, sandboxCredentials } from "../sandbox";
import { systemClock } from "../src/clock";
import type { HandoffEvents } from "../src/handoff-events";
import type { Plan } from "../src/plan";
import { storePlan } from "../test/support/case-record";
import { createCase } from "../test/jobs/job-fixture";
import type { CaseStore } from "../src/ports";
import { freeLoopbackPort } from "../scripts/local-redis";
import { startOffboardProcess, type OffboardProcess } from "../test/support/offboard-process";
import { deleteKeysWithPrefix } from "../test/support/redis";
import { SlackRequester, testBotToken, testSigningSecret, type SlackTestUser } from "../test/support/slack-requests";
import { fakeBot } from "../test/support/slack-web-api";
import { measureCaseRead } from "./case-read";
import { startRemoteWebApi } from "./slack-ack";

const caseCount = Number(process.env.BENCH_SCALE_CASES ?? 50);
const accountsPerCase = Number(process.env.BENCH_SCALE_ACCOUNTS ?? 10);
const artifactsPerAccount = Number(process.env.BENCH_SCALE_ARTIFACTS ?? 5);
const rateLimitPerSecond = Number(process.env.BENCH_SCALE_RATE ?? 300);
const workerProcesses = 3;
/** Account jobs per worker process: 30 in all, well above what 300 calls/s at 10 ms latency keep busy. */
const concurrency = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 10);
const latencyMs = 10;
const slackPerSecond = 20;
const timeoutMs = Number(process.env.BENCH_SCALE_TIMEOUT_S ?? 600) * 1000;

const partner: SlackTestUser = { id: "UBENCHSCALE", teamId: fakeBot.teamId, name: "bench.partner" };

/** The AWS sandbox in a process of its own (`npm run sandbox`), as AWS is not on the bot's CPU either. */
async function startSandboxProcess(
  scenarioFile: string,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const root = path.resolve(__dirname, "..");
  const child = spawn(
    process.execPath,
    [
      "--require",
      "tsx/cjs",
      "sandbox/cli.ts",
      "--port",
      String(port),
      "--scenario",
      scenarioFile,
      "--latency",
      String(latencyMs),
    ],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  child.stderr!.on("data", (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited (${child.exitCode}): ${errors}`);
    const up = await fetch(`${url}/_sandbox/counters`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the sandbox did not start within 60 s: ${errors}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The preflight's part of the core, reduced to storing the plan; the bench signs the case off itself. */
function planStoringEvents(cases: CaseStore): HandoffEvents {
  return {
    planReady: async (caseId: string, plan: Plan) => {
      await storePlan(cases, caseId, plan, "approved");
    },
    planRejected: async (caseId: string) => {
      throw new Error(`the preflight rejected accounts of ${caseId}`);
    },
  } as unknown as HandoffEvents;
}

async function createPlannedCase(cases: CaseStore, aws: SdkAwsOperations, accountIds: string[]): Promise<string> {
  const { id } = await createCase(cases, {
    accountIds,
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: true,
    bucketDisposition: "delete",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
  });
  const outcome = await runPreflight(
    { aws, cases, events: planStoringEvents(cases), partnerMarker: "CTL", clock: systemClock, inspectConcurrency: 10 },
    id,
    { lastAttempt: true },
  );
  if (outcome !== "planned") throw new Error(`the preflight of ${id} ended ${outcome}`);
  return id;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** AWS calls made, from the sandbox's counters (`<service>:<Operation>` totals). */
function totalCalls(counters: Record<string, number>): number {
  return Object.entries(counters)
    .filter(([key]) => key.split(":").length === 2 && !key.startsWith("sandbox:"))
    .reduce((n, [, v]) => n + v, 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The requests not answered 200, counted by status: "0", or "none ×3, 500 ×1". */
function notOk(acks: AckRecord[]): string {
  const counts = new Map<string, number>();
  for (const a of acks)
    if (a.status !== 200) {
      const what = a.status === undefined ? `no answer (${a.error ?? "?"})` : String(a.status);
      counts.set(what, (counts.get(what) ?? 0) + 1);
    }
  return counts.size ? [...counts].map(([status, n]) => `${status} ×${n}`).join(", ") : "0";
}

/** Milliseconds, or "no answer" for a request that got none. */
function msText(ms: number): number | string {
  return Number.isFinite(ms) ? round(ms, 1) : "no answer";
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

interface AckRecord {
  /** Send to HTTP answer; undefined when no answer came (10 s timeout, connection refused). */
  ms?: number;
  status?: number;
  /** Why no answer came (the fetch's error and its cause). */
  error?: string;
}

function describeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error instanceof Error ? error.name : "error"}${cause}`;
}

/** Signed `/offboard status` requests at `perSecond`, each sent on schedule, until `stop` is called. */
function slackLoad(slack: SlackRequester, perSecond: number): { stop(): Promise<AckRecord[]> } {
  const pending: Promise<AckRecord>[] = [];
  let running = true;
  const loop = (async () => {
    const started = performance.now();
    for (let i = 0; running; i++) {
      const wait = started + (i * 1000) / perSecond - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(
        slack.command(partner, `CSCALE${i % 10}`, "status").then(
          (a) => ({ ms: a.ms, status: a.status }),
          (error: unknown) => ({ error: describeFailure(error) }),
        ),
      );
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Promise.all(pending);
    },
  };
}

export async function benchScale(): Promise<Record<string, number | string>> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench:scale:${randomBytes(4).toString("hex")}:`;
  const redis = new Redis(redisUrl);
  const bull = createBullConnection(redisUrl);
  const scenarioDir = mkdtempSync(path.join(tmpdir(), "offboard-scale-"));
  const scenarioFile = path.join(scenarioDir, "scenario.json");
  writeFileSync(
    scenarioFile,
    JSON.stringify(generateScenario({ members: caseCount * accountsPerCase, artifactsPerAccount })),
  );
  const processes: OffboardProcess[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const sandbox = await startSandboxProcess(scenarioFile);
    stops.push(() => sandbox.stop());
    const awsEnv = {
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_ACCESS_KEY_ID: sandboxCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandboxCredentials.secretAccessKey,
      AWS_REGION: "us-east-1",
    };
    Object.assign(process.env, awsEnv);
    const slackApi = await startRemoteWebApi();
    stops.push(() => slackApi.close());
    const fleetEnv = {
      ...awsEnv,
      REDIS_URL: redisUrl,
      OFFBOARD_KEY_PREFIX: prefix,
      OFFBOARD_AWS_RATE_LIMIT: String(rateLimitPerSecond),
    };
    // Started while the preflights run: compiling four processes takes a while on a busy machine.
    const starting = [
      startOffboardProcess({
        role: "web",
        readyTimeoutMs: 120_000,
        env: {
          ...fleetEnv,
          SLACK_BOT_TOKEN: testBotToken,
          SLACK_SIGNING_SECRET: testSigningSecret,
          SLACK_API_URL: slackApi.url,
          OFFBOARD_PARTNER_SLACK_USERS: partner.id,
        },
      }),
      ...Array.from({ length: workerProcesses }, () =>
        startOffboardProcess({
          role: "worker",
          readyTimeoutMs: 120_000,
          env: { ...fleetEnv, OFFBOARD_DEMO_CHANNEL: "1", OFFBOARD_WORKER_CONCURRENCY: String(concurrency) },
        }),
      ),
    ].map((start) => start.then((p) => (processes.push(p), p)));
    // Whatever happens next, every process that did start is stopped.
    stops.push(async () => {
      await Promise.allSettled(starting);
      await Promise.all(processes.map((p) => p.stop()));
    });

    const role = { memberRoleName: "OrganizationAccountAccessRole", partnerMarker: "CTL" };
    const setupClients = new AwsClients({ region: "us-east-1", ...role });
    stops.push(async () => setupClients.destroy());
    const setupAws = new SdkAwsOperations(setupClients, role);
    const cases = new RedisCaseStore(redis, prefix);
    const members = Array.from({ length: caseCount * accountsPerCase }, (_, i) => String(200_000_000_000 + i));
    const caseIds: string[] = [];
    for (let batch = 0; batch < caseCount; batch += 5) {
      const planned = await Promise.all(
        Array.from({ length: Math.min(5, caseCount - batch) }, (_, k) => {
          const n = batch + k;
          return createPlannedCase(cases, setupAws, members.slice(n * accountsPerCase, (n + 1) * accountsPerCase));
        }),
      );
      caseIds.push(...planned);
    }
    const [web] = await Promise.all(starting);
    const queue = new BullJobQueue({ connection: bull, prefix: new RedisKeys(prefix).bull(), cases });
    stops.push(() => queue.close());

    await fetch(`${sandbox.url}/_sandbox/counters/reset`, { method: "POST" });
    const slack = new SlackRequester(`${web.url}/slack/events`);
    // Warm the web process (connections, JIT, auth.test) before its acks are measured.
    await Promise.all(Array.from({ length: 10 }, (_, i) => slack.command(partner, `CSCALE${i}`, "status")));

    const fleetPids = () => [sandbox.child.pid, ...processes.map((p) => p.child.pid)];
    const cpuAtStart = fleetPids().map(cpuSeconds);
    const started = Date.now();
    const load = slackLoad(slack, slackPerSecond);
    await Promise.all(caseIds.map((id) => queue.runNow(id)));
    const finishedAt = new Map<string, number>();
    const deadline = started + timeoutMs;
    while (finishedAt.size < caseIds.length) {
      // Past the deadline the figures are still reported, over the cases that finished, and the verdict says so.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
      for (const id of caseIds) {
        if (finishedAt.has(id)) continue;
        const end = (await cases.get(id))?.execution?.finishedAt;
        if (end) finishedAt.set(id, Date.parse(end));
      }
    }
    const acks = await load.stop();
    // The sandbox and the four processes: what the AWS calls cost in CPU, against the cores there are.
    const cpuUsed = fleetPids().map((pid, i) => cpuSeconds(pid) - cpuAtStart[i]);
    const fleetCpu = cpuUsed.reduce((a, b) => a + b, 0);
    const perCallMs = (seconds: number) => round((seconds * 1000) / calls);
    const [sandboxCpu, ...processCpu] = cpuUsed;
    const webCpu = processCpu.filter((_, i) => processes[i].role === "web").reduce((a, b) => a + b, 0);
    const workerCpu = processCpu.filter((_, i) => processes[i].role === "worker").reduce((a, b) => a + b, 0);
    const counters = (await (await fetch(`${sandbox.url}/_sandbox/counters`)).json()) as Record<string, number>;

    const caseSeconds = [...finishedAt.values()].map((end) => (end - started) / 1000);
    const allFinished = finishedAt.size === caseIds.length;
    const wallSeconds = allFinished ? Math.max(...caseSeconds) : (Date.now() - started) / 1000;
    const calls = totalCalls(counters);
    const floorSeconds = calls / rateLimitPerSecond;
    const statuses = await Promise.all(caseIds.map(async (id) => (await cases.get(id))?.status));
    const removals = members.map((id) => counters[`organizations:RemoveAccountFromOrganization:${id}`] ?? 0);
    const load1 = loadavg()[0];
    const caseRead = await measureCaseRead(redisUrl);
    const ratio = wallSeconds / floorSeconds;
    // An unanswered request counts as the slowest of all: it is in the p99 if there are enough of them.
    const ackMs = acks.map((a) => a.ms ?? Infinity).sort((a, b) => a - b);
    const ackP99 = percentile(ackMs, 99);
    const goals = {
      finished: allFinished,
      ratio: ratio <= 1.15,
      ack: ackP99 < 100,
      bytes: caseRead.bytesPerAccount < 4096,
      read: caseRead.readMs2000 < 5,
    };
    return {
      "machine load (1 min avg) / CPUs": `${load1.toFixed(2)} / ${cpus().length}`,
      cases: caseIds.length,
      accountsPerCase,
      partnerArtifactsPerAccount: artifactsPerAccount,
      sandboxLatencyMs: latencyMs,
      rateLimitPerSecond,
      processes: `1 web + ${workerProcesses} workers × ${concurrency} account jobs`,
      casesFinished: `${finishedAt.size} of ${caseIds.length}${allFinished ? "" : ` (stopped after ${timeoutMs / 1000} s)`}`,
      casesCompleted: statuses.filter((s) => s === "completed").length,
      accountsLeftOnce: removals.filter((n) => n === 1).length,
      accountsRemovedTwice: removals.filter((n) => n > 1).length,
      awsCalls: calls,
      floorSeconds: round(floorSeconds),
      wallSeconds: round(wallSeconds),
      "wall / floor (goal ≤ 1.15)": round(ratio, 3),
      "fleet CPU seconds (sandbox, web, workers)": round(fleetCpu),
      "fleet CPU ms per AWS call": perCallMs(fleetCpu),
      "fleet CPU ms per AWS call: sandbox / workers / web": `${perCallMs(sandboxCpu)} / ${perCallMs(workerCpu)} / ${perCallMs(webCpu)}`,
      "CPU floor seconds (fleet CPU ÷ cores)": round(fleetCpu / cpus().length),
      fastestCaseSeconds: caseSeconds.length ? round(Math.min(...caseSeconds)) : "none finished",
      slowestCaseSeconds: round(wallSeconds),
      "slowest / fastest case": caseSeconds.length ? round(wallSeconds / Math.min(...caseSeconds), 2) : "none finished",
      slackRequests: acks.length,
      "slack ack p50 ms (20/s)": msText(percentile(ackMs, 50)),
      "slack ack p99 ms (20/s, goal < 100)": msText(ackP99),
      "slack ack max ms": msText(ackMs[ackMs.length - 1]),
      "slack answers not 200": notOk(acks),
      "redis bytes per account, no audit (goal < 4096)": caseRead.bytesPerAccount,
      "case read ms at 2,000 accounts (goal < 5)": caseRead.readMs2000,
      "case read ms at 2 accounts": caseRead.readMs2,
      verdict: Object.values(goals).every(Boolean)
        ? "goals met"
        : `goal missed: ${Object.entries(goals)
            .filter(([, met]) => !met)
            .map(([name]) => name)
            .join(", ")}`,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(scenarioDir, { recursive: true, force: true });
    await deleteKeysWithPrefix(redis, prefix);
    bull.disconnect();
    redis.disconnect();
  }
}

if (require.main === module) {
  benchScale().then(
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
