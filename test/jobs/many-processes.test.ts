import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { readCaseRecord } from "../support/case-record";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisKeys } from "../../adapters/redis/keys";
import { runPreflight } from "../../jobs/preflight";
import { generateScenario } from "../../sandbox";
import type { Case } from "../../src/case";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { handoffSteps, type HandoffStep } from "../../src/plan";
import { approvalHash } from "../../src/signoff";
import { startAwsFixture, callsFor, stepChanges, type AwsFixture } from "../aws/aws-fixture";
import { startOffboardProcess, type OffboardProcess } from "../support/offboard-process";
import { testRedis, testRedisUrl } from "../support/redis";
import { SlackRequester, testBotToken, testSigningSecret, type SlackTestUser } from "../support/slack-requests";
import { FakeSlackWebApi, fakeBot } from "../support/slack-web-api";
import { createCase, waitFor } from "./job-fixture";
import { RecordingHandoffEvents } from "./recording-events";

// Five processes start on a shared, busy machine; the run itself takes well under a minute.
jest.setTimeout(180_000);

const { redis, prefix, cleanup } = testRedis("many-proc");
const cases = new RedisCaseStore(redis, prefix);
const partner: SlackTestUser = { id: "UMANYPARTNER", teamId: fakeBot.teamId, name: "pat.partner" };
const slackApi = new FakeSlackWebApi();
let fixture: AwsFixture;
const processes: OffboardProcess[] = [];

beforeAll(async () => {
  await slackApi.start();
  fixture = await startAwsFixture({
    scenario: generateScenario({ members: 30, artifactsPerAccount: 2 }),
    faults: { latencyMs: 5 },
    redis,
    rateKey: new RedisKeys(prefix).awsRate(),
    ratePerSecond: 1000,
  });
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.killHard()));
  await fixture?.close();
  await slackApi.close();
  await cleanup();
});

/** Every process of the fleet shares one Redis (and key prefix), the sandbox and the Slack app's settings. */
function fleetEnv(): Record<string, string> {
  return {
    ...fixture.env,
    REDIS_URL: testRedisUrl,
    OFFBOARD_KEY_PREFIX: prefix,
    SLACK_BOT_TOKEN: testBotToken,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: slackApi.url,
    OFFBOARD_PARTNER_SLACK_USERS: partner.id,
    OFFBOARD_AWS_RATE_LIMIT: "300",
    OFFBOARD_WORKER_CONCURRENCY: "3",
    // A killed worker's jobs are taken over within seconds, not the production 30 s.
    OFFBOARD_JOB_LOCK_MS: "2000",
    OFFBOARD_STALLED_INTERVAL_MS: "1000",
  };
}

const channelOf = (n: number) => `CMANY${String(n).padStart(2, "0")}`;

/** A case of one or two accounts bound to its own Slack channel, planned and signed off by all three parties. */
async function signedOffCase(n: number, accountIds: string[]): Promise<Case> {
  const created = await createCase(cases, {
    accountIds,
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: false,
    bucketDisposition: "delete",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
  });
  const location = { platform: "slack" as const, channelId: channelOf(n) };
  await cases.update(created.id, (c) => ({ ...c, locations: [location] }));
  await cases.bindLocation(location, created.id);
  const planned = await runPreflight(
    { aws: fixture.aws, cases, events: new RecordingHandoffEvents(cases), partnerMarker: "CTL", clock: systemClock },
    created.id,
    { lastAttempt: true },
  );
  expect(planned).toBe("planned");
  const customer = { platform: "slack" as const, userId: "UCUSTOMER", teamId: "TCUSTOMER", name: "Carol" };
  const aws = { platform: "slack" as const, userId: "UAWS", teamId: "TAWS", name: "Alex" };
  return cases.update(created.id, (c) => {
    const hash = approvalHash(c);
    const at = new Date().toISOString();
    return {
      ...c,
      status: "approved",
      members: { customer: [customer], aws: [aws] },
      signOffs: [
        { party: "customer", by: customer, at, hash },
        { party: "aws", by: aws, at, hash },
        { party: "partner", by: { platform: "slack", userId: partner.id, teamId: partner.teamId }, at, hash },
      ],
    };
  });
}

/** `/offboard run` in case n's channel, by a partner member, as Slack posts it to one web process. */
async function runFrom(web: OffboardProcess, n: number): Promise<void> {
  const answer = await new SlackRequester(`${web.url}/slack/events`, slackApi.responseUrl).command(
    partner,
    channelOf(n),
    "run",
  );
  expect(answer.status).toBe(200);
}

const doneSteps = async (ids: string[]): Promise<string[]> =>
  (await Promise.all(ids.map((id) => readCaseRecord(cases, id)))).flatMap((c) =>
    Object.values(c!.progress).flatMap((a) =>
      Object.entries(a.steps)
        .filter(([, s]) => s === "done")
        .map(([step]) => `${a.accountId}:${step}`),
    ),
  );

it("runs 20 cases on two web and three worker processes, one of each killed mid-run: all complete, each AWS change once, every audit event kept", async () => {
  const starting = [
    ...["web", "web"].map(() => startOffboardProcess({ role: "web", env: fleetEnv(), readyTimeoutMs: 120_000 })),
    ...[1, 2, 3].map(() => startOffboardProcess({ role: "worker", env: fleetEnv(), readyTimeoutMs: 120_000 })),
  ].map((start) => start.then((p) => (processes.push(p), p)));

  const members = [...fixture.sandbox.state.accounts.values()]
    .filter((a) => a.organizationId === "o-partner0001" && a.id !== "111111111111")
    .map((a) => a.id);
  expect(members).toHaveLength(30);
  // Twenty cases: ten of two accounts, ten of one.
  const sizes = Array.from({ length: 20 }, (_, n) => (n < 10 ? 2 : 1));
  const signed = await Promise.all(
    sizes.map((size, n) => {
      const from = sizes.slice(0, n).reduce((a, b) => a + b, 0);
      return signedOffCase(n, members.slice(from, from + size));
    }),
  );
  const ids = signed.map((c) => c.id);
  const [webA, webB, doomedWorker] = await Promise.all(starting);

  // The first ten through both web processes, as a load balancer spreads Slack's requests.
  for (let n = 0; n < 10; n++) await runFrom(n % 2 === 0 ? webA : webB, n);
  await waitFor(
    "the first ten cases to start",
    async () => (await Promise.all(ids.slice(0, 10).map((id) => cases.get(id)))).every((c) => c!.execution?.startedAt),
    30_000,
    100,
  );
  await waitFor("a few finished steps", async () => (await doneSteps(ids)).length >= 4, 30_000, 20);

  await Promise.all([webA.killHard(), doomedWorker.killHard()]);
  const doneAtKill = await doneSteps(ids);
  const countersAtKill = fixture.sandbox.counters();
  expect(doneAtKill.length).toBeLessThan(members.length * handoffSteps.length);

  // The other ten through the web process still standing, while the two remaining workers take over.
  for (let n = 10; n < 20; n++) await runFrom(webB, n);

  await waitFor(
    "every case to complete",
    async () => {
      const all = await Promise.all(ids.map((id) => cases.get(id)));
      return all.every((c) => c!.status === "completed" || c!.status === "failed") && all;
    },
    120_000,
    250,
  );

  const final = await Promise.all(ids.map(async (id) => (await readCaseRecord(cases, id))!));
  expect(final.map((c) => `${c.id} ${c.status}`)).toEqual(ids.map((id) => `${id} completed`));
  for (const c of final)
    for (const accountId of c.accounts)
      expect(c.progress[accountId].steps).toEqual({
        revoke_iam: "done",
        buckets: "done",
        root_handover: "skipped",
        leave_org: "done",
        accept_invitation: "skipped",
        lock_role: "done",
        exit_check: "done",
      });

  // No AWS change twice: every account left once, and no step done at the kill was done again.
  const counters = fixture.sandbox.counters();
  for (const id of members) {
    expect(`${id}: ${counters[`organizations:RemoveAccountFromOrganization:${id}`]}`).toBe(`${id}: 1`);
    expect(fixture.sandbox.state.accounts.get(id)!.organizationId).toBeUndefined();
  }
  for (const entry of doneAtKill) {
    const [accountId, step] = entry.split(":") as [string, HandoffStep];
    expect(`${entry}: ${callsFor(counters, accountId, stepChanges[step])}`).toBe(
      `${entry}: ${callsFor(countersAtKill, accountId, stepChanges[step])}`,
    );
  }

  // No audit event lost: each case's keyed chain verifies against its recorded head and holds the run's start,
  // its end, and every step of every account ending done or skipped.
  const audit = new RedisAuditLog(redis, prefix, loadConfig(fleetEnv()).auditKeys);
  for (const c of final) {
    const { events, verification } = await audit.readVerified(c.id);
    expect({ caseId: c.id, verification }).toEqual({
      caseId: c.id,
      verification: expect.objectContaining({ ok: true }),
    });
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === "run.started")).toHaveLength(1);
    expect(actions.filter((a) => a === "run.completed")).toHaveLength(1);
    const ended = new Set(
      events
        .filter((e) => e.action === "step.done" || e.action === "step.skipped")
        .map((e) => `${(e.payload as { accountId: string }).accountId}:${(e.payload as { step: string }).step}`),
    );
    const expected = c.accounts.flatMap((a) => handoffSteps.map((step) => `${a}:${step}`));
    expect(expected.filter((e) => !ended.has(e))).toEqual([]);
  }
});
