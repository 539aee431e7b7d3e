import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisKeys } from "../../adapters/redis/keys";
import { createBullConnection } from "../../adapters/redis/connection";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { runPreflight } from "../../jobs/preflight";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { generateScenario } from "../../sandbox";
import { systemClock } from "../../src/clock";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { testRedis, testRedisUrl } from "../support/redis";
import { createCase, waitFor } from "./job-fixture";
import { RecordingHandoffEvents } from "./recording-events";

// Generous: on a loaded machine (the full suite beside other runs) the cases take far longer than alone (~10 s).
jest.setTimeout(150_000);

const { redis, prefix, cleanup } = testRedis("jobs-fair");
const bullPrefix = new RedisKeys(prefix).bull();
const cases = new RedisCaseStore(redis, prefix);
const events = new RecordingHandoffEvents(cases);
const bull = createBullConnection(testRedisUrl);
let fixture: AwsFixture;
let queue: BullJobQueue;
let workers: HandoffWorkers;

beforeAll(async () => {
  fixture = await startAwsFixture({
    scenario: generateScenario({ members: 14, artifactsPerAccount: 2 }),
    faults: { latencyMs: 5 },
    redis,
    rateKey: new RedisKeys(prefix).awsRate(),
    // Low, so that the shared limit, not the workers, is what the cases compete for.
    ratePerSecond: 120,
  });
  queue = new BullJobQueue({ connection: bull, prefix: bullPrefix, cases });
  // Two account jobs at once for the whole fleet: far fewer slots than accounts waiting.
  workers = startWorkers({ connection: bull, prefix: bullPrefix, aws: fixture.aws, cases, events, concurrency: 2 });
});

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

async function plannedCase(accountIds: string[]): Promise<string> {
  const c = await createCase(cases, {
    accountIds,
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: false,
    bucketDisposition: "delete",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
  });
  const outcome = await runPreflight(
    { aws: fixture.aws, cases, events, partnerMarker: "CTL", clock: systemClock },
    c.id,
    { lastAttempt: true },
  );
  expect(outcome).toBe("planned");
  return c.id;
}

/** Where in the recorded events each account of a case finished its last step (the exit check). */
function finishOrder(caseId: string): number[] {
  return events.events.flatMap((e, index) =>
    e.type === "stepChanged" && e.caseId === caseId && e.step === "exit_check" && e.state === "done" ? [index] : [],
  );
}

it("lets cases started behind a big one finish before the big one's last account, not after all of it", async () => {
  const members = [...fixture.sandbox.state.accounts.values()]
    .filter((a) => a.organizationId === "o-partner0001" && a.id !== "111111111111")
    .map((a) => a.id);
  expect(members).toHaveLength(14);
  const big = await plannedCase(members.slice(0, 8));
  const small = [
    await plannedCase(members.slice(8, 10)),
    await plannedCase(members.slice(10, 12)),
    await plannedCase(members.slice(12, 14)),
  ];

  await queue.runNow(big);
  // The big case holds both worker slots and has six accounts queued before the small cases arrive.
  await waitFor("the big case's first step", () => events.of("stepChanged").some((e) => e.caseId === big));
  for (const id of small) await queue.runNow(id);

  for (const id of [big, ...small])
    await waitFor(`the end of ${id}`, () => events.of("runFinished").some((e) => e.caseId === id), 120_000);

  const bigFinishes = finishOrder(big);
  expect(bigFinishes).toHaveLength(8);
  const bigLast = Math.max(...bigFinishes);
  for (const id of small) {
    const finishes = finishOrder(id);
    expect(finishes).toHaveLength(2);
    // First in, first out would run all eight big accounts before any small one: each small case
    // would end after the big case's last account.
    expect({ caseId: id, endsBeforeBigCaseEnds: Math.max(...finishes) < bigLast }).toEqual({
      caseId: id,
      endsBeforeBigCaseEnds: true,
    });
  }
  for (const id of members) expect(fixture.sandbox.state.accounts.get(id)!.organizationId).toBeUndefined();
});
