import { readCaseRecord } from "../support/case-record";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { createBullConnection } from "../../adapters/redis/connection";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { runPreflight } from "../../jobs/preflight";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { generateScenario } from "../../sandbox";
import { systemClock } from "../../src/clock";
import { handoffSteps, type HandoffStep } from "../../src/plan";
import { startAwsFixture, callsFor, stepChanges, type AwsFixture } from "../aws/aws-fixture";
import { testRedis, testRedisUrl } from "../support/redis";
import { startOffboardProcess, type OffboardProcess } from "../support/offboard-process";
import { createCase, waitFor } from "./job-fixture";
import { RecordingHandoffEvents } from "./recording-events";
import { RedisKeys } from "../../adapters/redis/keys";

jest.setTimeout(180_000);

const { redis, prefix, cleanup } = testRedis("jobs-kill");
const bullPrefix = new RedisKeys(prefix).bull();
const cases = new RedisCaseStore(redis, prefix);
const bull = createBullConnection(testRedisUrl);
let fixture: AwsFixture;
let queue: BullJobQueue;
let child: OffboardProcess | undefined;
let workers: HandoffWorkers | undefined;

beforeAll(async () => {
  fixture = await startAwsFixture({
    scenario: generateScenario({ members: 6, artifactsPerAccount: 10 }),
    faults: { latencyMs: 15 },
    redis,
    rateKey: new RedisKeys(prefix).awsRate(),
    ratePerSecond: 1000,
  });
  queue = new BullJobQueue({ connection: bull, prefix: bullPrefix, cases });
});

afterAll(async () => {
  await child?.killHard();
  await workers?.close();
  await queue?.close();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

/** A worker process as production runs one, with the demo channel as its chat platform. */
function startChildWorker(): Promise<OffboardProcess> {
  return startOffboardProcess({
    role: "worker",
    readyTimeoutMs: 60_000,
    env: {
      ...fixture.env,
      REDIS_URL: testRedisUrl,
      OFFBOARD_KEY_PREFIX: prefix,
      OFFBOARD_DEMO_CHANNEL: "1",
      OFFBOARD_AWS_RATE_LIMIT: "1000",
      OFFBOARD_WORKER_CONCURRENCY: "2",
      OFFBOARD_JOB_LOCK_MS: "2000",
      OFFBOARD_STALLED_INTERVAL_MS: "1000",
    },
  });
}

it("resumes a run in a new worker after the first was killed, without repeating any finished step's AWS changes", async () => {
  const accountIds = [...fixture.sandbox.state.accounts.keys()].filter(
    (id) => id !== "111111111111" && fixture.sandbox.state.accounts.get(id)!.organizationId === "o-partner0001",
  );
  expect(accountIds).toHaveLength(6);
  const c = await createCase(cases, {
    accountIds,
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: false,
    bucketDisposition: "delete",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
  });
  const planEvents = new RecordingHandoffEvents(cases);
  expect(
    await runPreflight(
      { aws: fixture.aws, cases, events: planEvents, partnerMarker: "CTL", clock: systemClock },
      c.id,
      { lastAttempt: true },
    ),
  ).toBe("planned");

  // Signed off, as the core leaves a case it starts: the child's workflow moves it to executing.
  await cases.update(c.id, (value) => ({ ...value, status: "approved" }));
  child = await startChildWorker();
  await queue.runNow(c.id);

  // Kill it once some account steps are recorded done, well before the run is over.
  const doneSteps = async () =>
    Object.values((await readCaseRecord(cases, c.id))!.progress).flatMap((a) =>
      Object.entries(a.steps)
        .filter(([, s]) => s === "done")
        .map(([step]) => `${a.accountId}:${step}`),
    );
  await waitFor("a few finished steps", async () => (await doneSteps()).length >= 3, 30_000, 10);
  await child.killHard();

  const doneAtKill = await doneSteps();
  const countersAtKill = fixture.sandbox.counters();
  expect(doneAtKill.length).toBeLessThan(accountIds.length * handoffSteps.length);

  const events = new RecordingHandoffEvents(cases);
  workers = startWorkers({
    connection: bull,
    prefix: bullPrefix,
    aws: fixture.aws,
    cases,
    events,
    concurrency: 4,
    lockDurationMs: 2000,
    stalledIntervalMs: 1000,
  });
  await waitFor(
    "the resumed run to finish",
    async () => (await readCaseRecord(cases, c.id))!.execution?.finishedAt,
    60_000,
    100,
  );

  const final = (await readCaseRecord(cases, c.id))!;
  for (const id of accountIds) {
    expect(final.progress[id].steps).toEqual({
      revoke_iam: "done",
      buckets: "done",
      root_handover: "skipped",
      leave_org: "done",
      accept_invitation: "skipped",
      lock_role: "done",
      exit_check: "done",
    });
    expect(fixture.sandbox.state.accounts.get(id)!.organizationId).toBeUndefined();
  }
  const countersAtEnd = fixture.sandbox.counters();
  for (const entry of doneAtKill) {
    const [accountId, step] = entry.split(":") as [string, HandoffStep];
    expect(`${entry}: ${callsFor(countersAtEnd, accountId, stepChanges[step])}`).toBe(
      `${entry}: ${callsFor(countersAtKill, accountId, stepChanges[step])}`,
    );
  }
  // Every account left exactly once, whichever worker did it.
  for (const id of accountIds) expect(countersAtEnd[`organizations:RemoveAccountFromOrganization:${id}`]).toBe(1);
});
