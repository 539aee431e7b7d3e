import { RedisCaseStore } from "../../adapters/redis/case-store";
import { createBullConnection } from "../../adapters/redis/connection";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { testRedis, testRedisUrl } from "../support/redis";
import { createCase, waitFor } from "./job-fixture";
import { RecordingHandoffEvents } from "./recording-events";
import { RedisKeys } from "../../adapters/redis/keys";

jest.setTimeout(60_000);

const { redis, prefix, cleanup } = testRedis("jobs-keep");
const cases = new RedisCaseStore(redis, prefix);
const events = new RecordingHandoffEvents(cases);
const bull = createBullConnection(testRedisUrl);
let fixture: AwsFixture;
let queue: BullJobQueue;
let workers: HandoffWorkers;

beforeAll(async () => {
  fixture = await startAwsFixture({ redis, rateKey: new RedisKeys(prefix).awsRate(), ratePerSecond: 1000 });
  queue = new BullJobQueue({ connection: bull, prefix: new RedisKeys(prefix).bull(), cases });
  workers = startWorkers({
    connection: bull,
    prefix: new RedisKeys(prefix).bull(),
    aws: fixture.aws,
    cases,
    events,
    concurrency: 2,
  });
});

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

it("keeps the role the ticket names, without the partner's trust, and removes the rest of the partner's access", async () => {
  const c = await createCase(cases, {
    accountIds: ["222222222222"],
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: true,
    keepPartnerAccess: ["CTL-CAM-Provider"],
    bucketDisposition: "keep",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
    targetDate: "2099-01-01",
  });
  await queue.preflight(c.id);
  const { plan } = await waitFor("the plan", () => events.of("planReady").find((e) => e.caseId === c.id));
  const kept = plan.accounts[0].artifacts.find((a) => a.name === "CTL-CAM-Provider");
  expect(kept).toMatchObject({ action: "untrust", partnerPrincipals: ["arn:aws:iam::111111111111:root"] });
  expect(kept?.foundBy).toEqual(["marker:name", "marker:tag", "trust:management-account"]);

  await queue.runNow(c.id);
  await waitFor("the end of the run", () => events.of("runFinished").some((e) => e.caseId === c.id));
  const account = fixture.sandbox.state.accounts.get("222222222222")!;
  expect(JSON.parse(account.iam.roles.get("CTL-CAM-Provider")!.trustPolicy)).toEqual({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "sts:AssumeRole" }],
  });
  expect(account.iam.roles.get("CTL-CAM-Provider")!.attachedPolicies).toHaveLength(1);
  expect(account.iam.roles.has("CTL-Admin")).toBe(false);
  expect(account.iam.roles.has("cam-cost-reader")).toBe(false);
});
