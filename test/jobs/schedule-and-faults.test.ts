import { readCaseRecord } from "../support/case-record";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { createBullConnection } from "../../adapters/redis/connection";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { jobIds } from "../../jobs/handoff-queues";
import { runPreflight } from "../../jobs/preflight";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { generateScenario } from "../../sandbox";
import type { AnswerValue } from "../../src/case";
import { systemClock } from "../../src/clock";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { testRedis, testRedisUrl } from "../support/redis";
import { createCase, waitFor } from "./job-fixture";
import { RecordingHandoffEvents } from "./recording-events";
import { RedisKeys } from "../../adapters/redis/keys";

jest.setTimeout(60_000);

const { redis, prefix, cleanup } = testRedis("jobs-schedule");
const bullPrefix = new RedisKeys(prefix).bull();
const cases = new RedisCaseStore(redis, prefix);
const events = new RecordingHandoffEvents(cases);
const bull = createBullConnection(testRedisUrl);
let fixture: AwsFixture;
let queue: BullJobQueue;
let workers: HandoffWorkers;
let members: string[];

beforeAll(async () => {
  fixture = await startAwsFixture({
    scenario: generateScenario({ members: 6, artifactsPerAccount: 6 }),
    redis,
    rateKey: new RedisKeys(prefix).awsRate(),
    ratePerSecond: 1000,
  });
  members = [...fixture.sandbox.state.accounts.values()]
    .filter((a) => a.organizationId === "o-partner0001" && a.id !== "111111111111")
    .map((a) => a.id);
  queue = new BullJobQueue({ connection: bull, prefix: bullPrefix, cases });
  workers = startWorkers({ connection: bull, prefix: bullPrefix, aws: fixture.aws, cases, events, concurrency: 4 });
});

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

const answers = (accountIds: string[], extra: Record<string, AnswerValue> = {}) => ({
  accountIds,
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: true,
  bucketDisposition: "keep",
  removalBy: "partner",
  destination: "standalone",
  credentialDelivery: "link",
  ...extra,
});

async function plannedCase(accountIds: string[]): Promise<string> {
  const c = await createCase(cases, answers(accountIds));
  expect(
    await runPreflight({ aws: fixture.aws, cases, events, partnerMarker: "CTL", clock: systemClock }, c.id, {
      lastAttempt: true,
    }),
  ).toBe("planned");
  return c.id;
}

it("fires a scheduled run at its time, once, however often it is scheduled", async () => {
  const caseId = await plannedCase([members[0]]);
  const at = new Date(Date.now() + 1500);
  await queue.scheduleRun(caseId, at);
  await queue.scheduleRun(caseId, at);
  expect(await queue.executeQueue.getDelayedCount()).toBe(1);
  await new Promise((r) => setTimeout(r, 700));
  expect(events.of("stepChanged").filter((e) => e.caseId === caseId)).toHaveLength(0);
  await waitFor("the scheduled run", () => events.of("runFinished").some((e) => e.caseId === caseId), 20_000);
  const firstStep = (await readCaseRecord(cases, caseId))!.progress[members[0]].updatedAt;
  expect(Date.parse(firstStep)).toBeGreaterThanOrEqual(at.getTime() - 50);
  expect(fixture.sandbox.state.accounts.get(members[0])!.organizationId).toBeUndefined();
});

it("drops a scheduled run when it is cancelled", async () => {
  const caseId = await plannedCase([members[1]]);
  await queue.scheduleRun(caseId, new Date(Date.now() + 60_000));
  expect(await queue.executeQueue.getJob(jobIds.scheduledRun(caseId))).toBeDefined();
  await queue.cancelScheduled(caseId);
  expect(await queue.executeQueue.getJob(jobIds.scheduledRun(caseId))).toBeUndefined();
});

it("completes a run through a throttling storm", async () => {
  const accountIds = [members[2], members[3], members[4]];
  const caseId = await plannedCase(accountIds);
  fixture.sandbox.resetCounters();
  fixture.sandbox.setFaults({ throttleRate: 0.3 });
  try {
    await queue.runNow(caseId);
    await waitFor(
      "the run through throttling",
      () => events.of("runFinished").some((e) => e.caseId === caseId),
      45_000,
    );
  } finally {
    fixture.sandbox.setFaults({ throttleRate: 0 });
  }
  expect(fixture.sandbox.counters()["sandbox:throttled"]).toBeGreaterThan(20);
  const final = (await readCaseRecord(cases, caseId))!;
  for (const id of accountIds) {
    expect(final.progress[id].steps).toMatchObject({
      revoke_iam: "done",
      leave_org: "done",
      lock_role: "done",
      exit_check: "done",
    });
    expect(fixture.sandbox.state.accounts.get(id)!.organizationId).toBeUndefined();
    expect(fixture.sandbox.counters()[`organizations:RemoveAccountFromOrganization:${id}`]).toBeGreaterThanOrEqual(1);
  }
});

it("reminds of missing sign-offs, invitations and accounts payable three days before the target date", async () => {
  // members[5] has no invitation yet (the generator invites every fifth account only).
  const c = await createCase(
    cases,
    answers([members[5]], { destination: "organization", newOrganization: "o-newhome0001" }),
  );
  const target = new Date(Date.now() + 3 * 86_400_000 + 1000).toISOString();
  await queue.scheduleReminders(c.id, target);
  await queue.scheduleReminders(c.id, target);
  // T-10 and T-7 are past already: only T-3 is scheduled.
  expect(await queue.remindersQueue.getDelayedCount()).toBe(1);
  await waitFor("the T-3 reminders", () => events.of("remind").filter((e) => e.caseId === c.id).length >= 3, 15_000);
  expect(
    events
      .of("remind")
      .filter((e) => e.caseId === c.id)
      .map((e) => e.kind)
      .sort(),
  ).toEqual(["accounts_payable", "invitations", "missing_signoffs"]);
});
