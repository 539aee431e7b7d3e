import { readCaseRecord } from "../support/case-record";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { lockedTrustPolicy } from "../../adapters/aws/sdk-aws-operations";
import { archiveRuleId } from "../../adapters/aws/bucket-disposition";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { testRedis, testRedisUrl } from "../support/redis";
import { createBullConnection } from "../../adapters/redis/connection";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { RecordingHandoffEvents } from "./recording-events";
import { createCase, waitFor } from "./job-fixture";
import type { AnswerValue } from "../../src/case";
import { RedisKeys } from "../../adapters/redis/keys";

jest.setTimeout(60_000);

const { redis, prefix, cleanup } = testRedis("jobs-run");
const cases = new RedisCaseStore(redis, prefix);
const events = new RecordingHandoffEvents(cases);
const bull = createBullConnection(testRedisUrl);
let fixture: AwsFixture;
let queue: BullJobQueue;
let workers: HandoffWorkers;

const baseAnswers = {
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: true,
  bucketDisposition: "delete",
  removalBy: "partner",
  destination: "standalone",
  credentialDelivery: "link",
  targetDate: "2099-01-01",
};

beforeAll(async () => {
  fixture = await startAwsFixture({ redis, rateKey: new RedisKeys(prefix).awsRate(), ratePerSecond: 1000 });
  queue = new BullJobQueue({ connection: bull, prefix: new RedisKeys(prefix).bull(), cases });
  workers = startWorkers({
    connection: bull,
    prefix: new RedisKeys(prefix).bull(),
    aws: fixture.aws,
    cases,
    events,
    concurrency: 4,
    customerLeavePollMs: 200,
  });
});

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

async function planned(answers: Record<string, AnswerValue>): Promise<string> {
  const c = await createCase(cases, answers);
  await queue.preflight(c.id);
  await waitFor(`the plan of ${c.id}`, () => events.of("planReady").find((e) => e.caseId === c.id));
  return c.id;
}

const finished = (caseId: string, count = 1) =>
  waitFor(
    `the end of the run of ${caseId}`,
    () => events.of("runFinished").filter((e) => e.caseId === caseId).length >= count,
  );

function account(id: string) {
  return fixture.sandbox.state.accounts.get(id)!;
}

describe("preflight", () => {
  it("rejects an account the organization does not have, with the reason", async () => {
    const c = await createCase(cases, { ...baseAnswers, accountIds: ["222222222222", "123456789012"] });
    await queue.preflight(c.id);
    const rejected = await waitFor("the rejection", () => events.of("planRejected").find((e) => e.caseId === c.id));
    expect(rejected.rejections).toEqual([
      {
        accountId: "123456789012",
        reason: expect.stringMatching(/not a member of the partner's organization o-partner0001/),
      },
    ]);
    expect(events.of("planReady").some((e) => e.caseId === c.id)).toBe(false);
  });
});

describe("a full run", () => {
  it("revokes every partner artifact but the kept ones, applies the buckets, leaves, and locks the role last", async () => {
    const caseId = await planned({ ...baseAnswers, accountIds: ["222222222222", "555555555555"] });
    await queue.runNow(caseId);
    await queue.runNow(caseId); // a double click adds nothing
    await finished(caseId);

    for (const id of ["222222222222", "555555555555"]) {
      const a = account(id);
      // The partner's artifacts are gone, the lifecycle policy stays without its Optimization tags.
      expect([...a.iam.roles.keys()].sort()).toEqual(["OrganizationAccountAccessRole", "acme-deploy"]);
      expect([...a.iam.policies.keys()].sort()).toEqual(["AcmeDeployPolicy", "CTL-CAM-Lifecycle"]);
      expect(a.iam.policies.get("CTL-CAM-Lifecycle")!.tags).toEqual({ ManagedBy: "CTL" });
      expect([...a.iam.users.keys()]).toEqual(["alice.admin"]);
      expect(a.iam.users.get("alice.admin")!.accessKeys).toHaveLength(1);
      expect([...a.iam.groups.keys()]).toEqual(["acme-admins"]);
      expect([...a.iam.samlProviders.values()].map((p) => p.name)).toEqual(["acme-okta"]);
      expect([...a.iam.oidcProviders.values()].map((p) => p.url)).toEqual(["token.actions.githubusercontent.com"]);
      expect([...a.iam.instanceProfiles.keys()]).toEqual([]);
      // Partner buckets deleted with every version; the customer's bucket untouched.
      expect([...a.buckets.keys()]).toEqual([`acme-data-${id}`]);
      expect(a.buckets.get(`acme-data-${id}`)!.versions).toHaveLength(2);
      // Out of the organization, and the role trusts only the account itself.
      expect(a.organizationId).toBeUndefined();
      expect(JSON.parse(a.iam.roles.get("OrganizationAccountAccessRole")!.trustPolicy)).toEqual(lockedTrustPolicy(id));
      // Every step done, in order, the role last.
      const done = events
        .of("stepChanged")
        .filter((e) => e.caseId === caseId && e.accountId === id && e.state !== "running");
      expect(done.map((e) => `${e.step}:${e.state}`)).toEqual([
        "revoke_iam:done",
        "buckets:done",
        "root_handover:skipped",
        "leave_org:done",
        "accept_invitation:skipped",
        "lock_role:done",
        "exit_check:done",
      ]);
      expect(fixture.sandbox.counters()[`organizations:RemoveAccountFromOrganization:${id}`]).toBe(1);
    }
    expect(events.of("runFinished").filter((e) => e.caseId === caseId)).toHaveLength(1);
  });

  it("archives the buckets and joins the new organization after leaving", async () => {
    const caseId = await planned({
      ...baseAnswers,
      accountIds: ["444444444444"],
      keepLifecycleTooling: false,
      bucketDisposition: "archive",
      destination: "organization",
      newOrganization: "o-newhome0001",
    });
    await queue.runNow(caseId);
    await finished(caseId);
    const a = account("444444444444");
    expect(a.organizationId).toBe("o-newhome0001");
    expect(a.iam.policies.has("CTL-CAM-Lifecycle")).toBe(false);
    for (const name of ["config-bucket-444444444444", "ctlaudit-444444444444"]) {
      const bucket = a.buckets.get(name)!;
      expect(bucket.versions.length).toBeGreaterThan(0);
      expect(bucket.lifecycleRules).toContain(archiveRuleId);
      expect(bucket.lifecycleRules).toContain("GLACIER");
    }
    const order = events
      .of("stepChanged")
      .filter((e) => e.caseId === caseId && e.state === "done")
      .map((e) => e.step);
    expect(order).toEqual(["revoke_iam", "buckets", "leave_org", "accept_invitation", "lock_role", "exit_check"]);
  });

  it("fails an account without a payment method with the plain reason, and succeeds on retry once it has one", async () => {
    const caseId = await planned({ ...baseAnswers, accountIds: ["333333333333"] });
    await queue.runNow(caseId);
    await finished(caseId);
    const failed = events.of("stepChanged").find((e) => e.caseId === caseId && e.state === "failed");
    expect(failed).toMatchObject({ accountId: "333333333333", step: "leave_org" });
    expect(failed!.error).toMatch(
      /^account 333333333333 must have a payment method before it can leave the organization/,
    );
    expect(account("333333333333").organizationId).toBe("o-partner0001");
    // The partner can still reach the account: the role is not locked before it has left.
    expect(JSON.parse(account("333333333333").iam.roles.get("OrganizationAccountAccessRole")!.trustPolicy)).not.toEqual(
      lockedTrustPolicy("333333333333"),
    );

    const revokeCalls = fixture.sandbox.counters()["iam:DeleteRole:333333333333"];
    fixture.sandbox.setAccountConditions("333333333333", { paymentMethod: true });
    await queue.retryAccount(caseId, "333333333333");
    await finished(caseId, 2);
    expect(account("333333333333").organizationId).toBeUndefined();
    const steps = (await readCaseRecord(cases, caseId))!.progress["333333333333"].steps;
    expect(steps).toEqual({
      revoke_iam: "done",
      buckets: "done",
      root_handover: "skipped",
      leave_org: "done",
      accept_invitation: "skipped",
      lock_role: "done",
      exit_check: "done",
    });
    // The retry went on from the failed step: the finished revocation was not run again.
    expect(fixture.sandbox.counters()["iam:DeleteRole:333333333333"]).toBe(revokeCalls);
  });
});
