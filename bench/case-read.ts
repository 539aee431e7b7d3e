/**
 * What one case costs in Redis and to read, at 2 accounts and at 2,000: a finished case (its plan and every
 * account's progress, all steps done) through the real Redis case store, without its audit trail.
 *
 * A stand-in until the per-account case storage lands (issue #17): the plan is that of a real preflight
 * against the sandbox, its account entries copied under other ids.
 *
 *   readMs2000 / readMs2: median time of `cases.get` (goal < 5 ms at 2,000, the same as at 2)
 *   bytesPerAccount: Redis `MEMORY USAGE` of the case's keys ÷ accounts, at 2,000 (goal < 4 KB)
 *
 * Runs alone with `npx tsx bench/case-read.ts` (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { AwsClients } from "../adapters/aws/aws-clients";
import { SdkAwsOperations } from "../adapters/aws/sdk-aws-operations";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { runPreflight } from "../jobs/preflight";
import { generateScenario, sandboxCredentials, startSandbox } from "../sandbox";
import type { AccountProgress, Case } from "../src/case";
import { systemClock } from "../src/clock";
import type { HandoffEvents } from "../src/handoff-events";
import { handoffSteps, type AccountPlan, type Plan } from "../src/plan";
import { deleteKeysWithPrefix } from "../test/support/redis";

const reads = 30;

export interface CaseReadFigures {
  readMs2000: number;
  readMs2: number;
  bytesPerAccount: number;
}

export async function measureCaseRead(redisUrl: string): Promise<CaseReadFigures> {
  const redis = new Redis(redisUrl);
  const prefix = `bench:case-read:${randomBytes(4).toString("hex")}:`;
  try {
    const cases = new RedisCaseStore(redis, prefix);
    const plan = await realPlan(cases);
    const small = await storeFinishedCase(cases, plan, 2);
    const large = await storeFinishedCase(cases, plan, 2000);
    const caseKeys = async (id: string): Promise<string[]> => {
      // Everything stored under the case's name but its audit trail (audit:<id>, audit-head:<id>).
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*${id}*`, "COUNT", 1000);
        keys.push(...found.filter((k) => !k.startsWith(`${prefix}audit`)));
        cursor = next;
      } while (cursor !== "0");
      return keys;
    };
    let bytes = 0;
    for (const key of await caseKeys(large)) bytes += Number(await redis.memory("USAGE", key, "SAMPLES", 0));
    return {
      readMs2000: await medianReadMs(cases, large),
      readMs2: await medianReadMs(cases, small),
      bytesPerAccount: Math.round(bytes / 2000),
    };
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}

async function medianReadMs(cases: RedisCaseStore, id: string): Promise<number> {
  await cases.get(id);
  const times: number[] = [];
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    await cases.get(id);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 100) / 100;
}

/** The plan of a real preflight of two sandbox accounts with ten partner artifacts each. */
async function realPlan(cases: RedisCaseStore): Promise<Plan> {
  const sandbox = await startSandbox({ port: 0, scenario: generateScenario({ members: 2, artifactsPerAccount: 10 }) });
  const role = { memberRoleName: "OrganizationAccountAccessRole", partnerMarker: "CTL" };
  // The SDK's standard endpoint resolution, as production: set while this preflight runs, then put back.
  const saved = { endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION };
  Object.assign(process.env, { AWS_ENDPOINT_URL: sandbox.url, AWS_REGION: "us-east-1" });
  const clients = new AwsClients({ region: "us-east-1", ...role, credentials: sandboxCredentials });
  try {
    const accountIds = [...sandbox.state.accounts.values()]
      .filter((a) => a.organizationId === "o-partner0001" && a.id !== "111111111111")
      .map((a) => a.id);
    const id = await storeCase(cases, accountIds, undefined);
    let plan: Plan | undefined;
    const events = {
      planReady: async (_caseId: string, p: Plan) => {
        plan = p;
      },
      planRejected: async () => undefined,
    } as unknown as HandoffEvents;
    await runPreflight(
      { aws: new SdkAwsOperations(clients, role), cases, events, partnerMarker: "CTL", clock: systemClock },
      id,
      { lastAttempt: true },
    );
    if (!plan) throw new Error("the preflight of the sample accounts made no plan");
    return plan;
  } finally {
    clients.destroy();
    await sandbox.close();
    restoreEnv("AWS_ENDPOINT_URL", saved.endpoint);
    restoreEnv("AWS_REGION", saved.region);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** A finished case of `count` accounts: the sample plan's entries under new ids, every step done. */
async function storeFinishedCase(cases: RedisCaseStore, sample: Plan, count: number): Promise<string> {
  const accountIds = Array.from({ length: count }, (_, i) => String(300_000_000_000 + i));
  const accounts: AccountPlan[] = accountIds.map((accountId, i) => ({
    ...sample.accounts[i % sample.accounts.length],
    accountId,
  }));
  const id = await storeCase(cases, accountIds, { ...sample, accounts });
  const at = new Date().toISOString();
  const progress: Record<string, AccountProgress> = Object.fromEntries(
    accountIds.map((accountId) => [
      accountId,
      { accountId, steps: Object.fromEntries(handoffSteps.map((s) => [s, "done"])), updatedAt: at },
    ]),
  );
  await cases.update(id, (c) => ({
    ...c,
    status: "completed",
    execution: { startedAt: at, finishedAt: at, accounts: progress },
  }));
  return id;
}

async function storeCase(cases: RedisCaseStore, accountIds: string[], plan: Plan | undefined): Promise<string> {
  const id = await cases.allocateId(2026);
  const now = new Date().toISOString();
  const value: Case = {
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
    plan,
    members: { customer: [], aws: [] },
    signOffs: [],
    createdBy: { platform: "web", userId: "bench" },
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await cases.create(value);
  return id;
}

if (require.main === module) {
  measureCaseRead(process.env.REDIS_URL ?? "redis://127.0.0.1:6379").then(
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
