import { planHeaderOf, planOf } from "../../src/plan";
import { readCaseRecord, type CaseRecord } from "../support/case-record";
import { SdkRootAccess } from "../../adapters/aws/root-access";
import { lockedTrustPolicy } from "../../adapters/aws/sdk-aws-operations";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { createBullConnection } from "../../adapters/redis/connection";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { AccountStepFailed, runAccountHandoff, type AccountHandoffDeps } from "../../jobs/account-handoff";
import { BullJobQueue } from "../../jobs/bull-job-queue";
import { runPreflight } from "../../jobs/preflight";
import { startWorkers, type HandoffWorkers } from "../../jobs/start-workers";
import { loadScenario, type Scenario } from "../../sandbox";
import type { AccountSpec } from "../../sandbox/scenario";
import type { AnswerValue, Case } from "../../src/case";
import { systemClock } from "../../src/clock";
import { HandoffWorkflow } from "../../src/conversation/handoff-workflow";
import { planSummaryMessage } from "../../src/conversation/case-view";
import { caseExport } from "../../src/conversation/case-export";
import { NotReadyError } from "../../src/errors";
import type { Identity } from "../../src/identity";
import { parties } from "../../src/party";
import { approvalHash } from "../../src/signoff";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { createCase, waitFor } from "../jobs/job-fixture";
import { testAuditKeys } from "../support/audit-keys";
import { RecordingChat } from "../support/recording-chat";
import { testRedis, testRedisUrl } from "../support/redis";
import { RedisKeys } from "../../adapters/redis/keys";

/**
 * Issue 14, part B: nothing leaves before it is ready, and afterwards the partner has no way in. Against the sandbox
 * through the real SDK adapter, the core's real workflow, Redis and (for the run) BullMQ workers.
 */
jest.setTimeout(90_000);

const { redis, prefix, cleanup } = testRedis("exit");
const cases = new RedisCaseStore(redis, prefix);
const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
const chat = new RecordingChat();
const bull = createBullConnection(testRedisUrl);
const partner: Identity = { platform: "web", userId: "U-PAT", name: "Pat" };
let queue: BullJobQueue;
let workers: HandoffWorkers;
let workflow: HandoffWorkflow;
let fixture: AwsFixture;
let deps: AccountHandoffDeps;

const ids = {
  invited: "600000000001",
  delegated: "600000000002",
  created: "600000000003",
  otherInvite: "600000000004",
  adminLater: "600000000005",
  linkEmail: "600000000006",
  acceptFails: "600000000007",
  leftEarly: "600000000008",
} as const;

/** The demo world plus accounts cloned from its members, each with the one condition its test needs. */
function scenario(): Scenario {
  const s = loadScenario();
  const base = s.accounts.find((a) => a.id === "222222222222")!;
  const clone = (id: string, over: Partial<AccountSpec> = {}): AccountSpec => ({
    ...(JSON.parse(JSON.stringify(base).replaceAll("222222222222", id)) as AccountSpec),
    name: `Acme ${id}`,
    email: `aws-${id}@ctl-managed.example`,
    ...over,
  });
  s.accounts.push(
    clone(ids.invited),
    clone(ids.delegated),
    clone(ids.created, { conditions: { tooNew: true } }),
    clone(ids.otherInvite),
    clone(ids.adminLater),
    clone(ids.linkEmail),
    clone(ids.acceptFails),
    clone(ids.leftEarly),
  );
  s.organization.delegatedAdministrators = [{ accountId: ids.delegated, servicePrincipal: "guardduty.amazonaws.com" }];
  s.otherOrganizations!.push({ id: "o-elsewhere001", managementAccountId: "888888888888", enabledServices: [] });
  s.handshakes!.push(
    { id: "h-newhome0601", from: "o-newhome0001", to: ids.invited },
    { id: "h-newhome0607", from: "o-newhome0001", to: ids.acceptFails },
    { id: "h-elsewhere444", from: "o-elsewhere001", to: "444444444444" },
    { id: "h-elsewhere604", from: "o-elsewhere001", to: ids.otherInvite },
  );
  return s;
}

const answersFor = (accountIds: string[], over: Record<string, AnswerValue> = {}): Record<string, AnswerValue> => ({
  accountIds,
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: false,
  bucketDisposition: "keep",
  removalBy: "partner",
  destination: "organization",
  newOrganization: "o-newhome0001",
  credentialDelivery: "link",
  targetDate: "2099-01-01",
  ...over,
});

async function plannedCase(answers: Record<string, AnswerValue>): Promise<CaseRecord> {
  const c = await createCase(cases, answers);
  expect(
    await runPreflight({ aws: fixture.aws, cases, events: workflow, partnerMarker: "CTL", clock: systemClock }, c.id, {
      lastAttempt: true,
    }),
  ).toBe("planned");
  return (await readCaseRecord(cases, c.id))!;
}

/** Signed by all three parties, as the sign-off buttons record it (bound to the ticket + plan hash). */
async function signed(value: Case): Promise<CaseRecord> {
  const hash = approvalHash(value);
  await cases.update(value.id, (c) => ({
    ...c,
    status: "approved",
    signOffs: parties.map((party) => ({ party, by: partner, at: new Date().toISOString(), hash })),
  }));
  return (await readCaseRecord(cases, value.id))!;
}

const pass = (caseId: string, accountId: string) => runAccountHandoff(deps, caseId, accountId, { lastAttempt: true });
const member = (id: string) => fixture.sandbox.state.accounts.get(id)!;
const changed = (id: string) =>
  Object.entries(fixture.sandbox.counters()).filter(
    ([k]) => k.endsWith(`:${id}`) && /:(Delete|Detach|Remove|Untag|Update|Put|Accept|Start)/.test(k),
  );
/** Everything posted in the thread, blocks included. */
const said = () =>
  chat.sent
    .filter((s) => s.kind === "post")
    .flatMap((s) => [s.body.text, ...s.body.blocks.map((b) => (b as { text?: string }).text ?? "")])
    .join("\n");

beforeAll(async () => {
  fixture = await startAwsFixture({ scenario: scenario() });
  queue = new BullJobQueue({ connection: bull, prefix: new RedisKeys(prefix).bull(), cases });
  workflow = new HandoffWorkflow({
    cases,
    audit,
    chat,
    idempotency: new RedisIdempotencyStore(redis, prefix),
    partners: { isPartner: async (who) => who.userId === partner.userId, approvers: async () => [partner] },
    clock: systemClock,
    queue,
  });
  const rootAccess = new SdkRootAccess(fixture.clients);
  deps = { aws: fixture.aws, rootAccess, cases, events: workflow };
  workers = startWorkers({
    connection: bull,
    prefix: new RedisKeys(prefix).bull(),
    aws: fixture.aws,
    rootAccess,
    cases,
    events: workflow,
    concurrency: 4,
    customerLeavePollMs: 200,
  });
});

afterAll(async () => {
  await workers?.close();
  await queue?.close();
  await workflow?.flush();
  await fixture?.close();
  bull.disconnect();
  await cleanup();
});

describe("readiness in the plan", () => {
  it("blocks each account AWS would refuse or the ticket forbids, with the reason and the fix, blockers first", async () => {
    const value = await plannedCase(
      answersFor(["222222222222", "444444444444", ids.delegated, ids.created, ids.otherInvite]),
    );
    const byId = new Map(value.accountPlans.map((a) => [a.accountId, a]));
    expect(byId.get("444444444444")!.readiness).toMatchObject({ state: "ready", blockers: [] });
    expect(byId.get("444444444444")!.invitation?.organizationId).toBe("o-newhome0001");
    expect(byId.get("222222222222")!.readiness!.blockers.map((b) => b.code)).toEqual(["no_invitation"]);
    expect(byId.get(ids.otherInvite)!.readiness!.blockers.map((b) => b.code)).toEqual(["no_invitation"]);
    expect(byId.get(ids.delegated)!.readiness!.blockers).toEqual([
      expect.objectContaining({
        code: "delegated_administrator",
        reason: expect.stringContaining("guardduty.amazonaws.com"),
      }),
      expect.objectContaining({ code: "no_invitation" }),
    ]);
    expect(byId.get(ids.created)!.readiness!.blockers[0]).toMatchObject({
      code: "waiting_period",
      reason: expect.stringMatching(/only 4 days after its creation/),
    });

    const summary = planSummaryMessage(value, planOf(value.plan!, value.accountPlans));
    expect(summary.text).toMatch(/4 of 5 account\(s\) BLOCKED/);
    // Under the plan's one-line counts, the blockers come first.
    expect(summary.blocks[1]).toMatchObject({ type: "text", text: expect.stringMatching(/· 4 blocked\*$/) });
    const first = summary.blocks[2] as { type: string; text: string };
    expect(first.text).toMatch(/^⛔ \*4 of 5 account\(s\) blocked: the run leaves them out until fixed\*/);
    expect(first.text).toContain("*Fix:*");
    // The sign-off binds to the readiness it showed: another verdict is another fingerprint, another hash.
    const verdicts = value.accountPlans.map((a, i) => (i === 0 ? { ...a, readiness: undefined } : a));
    const other = { ...value, plan: planHeaderOf(planOf(value.plan!, verdicts)) };
    expect(approvalHash(other)).not.toBe(approvalHash(value));
  });
});

describe("the run", () => {
  it("runs only the ready accounts, says which it leaves out and why, and runs a blocked one later with retry", async () => {
    const value = await signed(await plannedCase(answersFor(["444444444444", ids.delegated, ids.created])));
    chat.clear();
    await workflow.startRun(value.id, partner);
    expect(said()).toMatch(/This run leaves out 2 account\(s\) of .*: not ready/);
    expect(said()).toMatch(new RegExp(`⛔ \\*${ids.delegated}\\*: .*delegated administrator`));
    expect(said()).toMatch(new RegExp(`⛔ \\*${ids.created}\\*: .*4 days after its creation`));
    const done = await waitFor("the end of the run", async () => {
      const c = await readCaseRecord(cases, value.id);
      return c && ["failed", "completed"].includes(c.status) ? c : undefined;
    });
    expect(done.status).toBe("failed");
    // The ready account left and joined the named organization only, never the other that invited it.
    expect(member("444444444444").organizationId).toBe("o-newhome0001");
    expect(fixture.sandbox.state.handshakes.get("h-elsewhere444")!.state).toBe("OPEN");
    expect(done.progress["444444444444"].exitCheck).toMatchObject({ stage: "final", ok: true });
    // The blocked ones: nothing changed in AWS, not even the IAM cleanup.
    for (const id of [ids.delegated, ids.created]) {
      expect(member(id).organizationId).toBe("o-partner0001");
      expect(changed(id)).toEqual([]);
      expect(done.progress[id].leftOut?.blockers.length).toBeGreaterThan(0);
    }
    expect(said()).toMatch(new RegExp(`⏸ ${ids.created} — left out, not ready`));

    // The waiting period over (the sandbox moves its creation back), a retry runs it; the other stays blocked.
    fixture.sandbox.setAccountConditions(ids.created, { tooNew: false });
    fixture.sandbox.state.handshakes.set("h-newhome0603", {
      id: "h-newhome0603",
      organizationId: "o-newhome0001",
      accountId: ids.created,
      state: "OPEN",
      requestedTimestamp: new Date(),
      expirationTimestamp: new Date(Date.now() + 15 * 86_400_000),
    });
    await workflow.retryAccount(value.id, ids.created, partner);
    await waitFor("the retried account to finish", async () => {
      const c = await readCaseRecord(cases, value.id);
      return c?.status === "failed" && c.progress[ids.created].steps.exit_check === "done";
    });
    expect(member(ids.created).organizationId).toBe("o-newhome0001");
    await expect(workflow.retryAccount(value.id, "444444444444", partner)).rejects.toBeInstanceOf(NotReadyError);
  });

  it("refuses to start when no account is ready, naming each blocker", async () => {
    const value = await signed(await plannedCase(answersFor(["222222222222"])));
    await expect(workflow.startRun(value.id, partner)).rejects.toThrow(
      /no account of .* is ready to run: 222222222222: .*no open, unexpired invitation from o-newhome0001/,
    );
    expect(member("222222222222").organizationId).toBe("o-partner0001");
  });

  it("checks readiness again right before the account runs: a delegated administrator registered since changes nothing", async () => {
    const id = ids.adminLater;
    const value = await plannedCase(answersFor([id], { destination: "standalone" }));
    expect(value.accountPlans[0].readiness!.state).toBe("ready");
    const org = fixture.sandbox.state.organizations.get("o-partner0001")!;
    org.delegatedAdministrators.push({
      accountId: id,
      servicePrincipal: "securityhub.amazonaws.com",
      delegationEnabledDate: new Date(),
    });
    const outcome = await pass(value.id, id);
    expect(outcome).toMatchObject({ kind: "left_out", readiness: { state: "blocked" } });
    expect(changed(id)).toEqual([]);
    expect((await readCaseRecord(cases, value.id))!.progress[id].leftOut!.blockers[0].code).toBe(
      "delegated_administrator",
    );

    org.delegatedAdministrators = org.delegatedAdministrators.filter((d) => d.accountId !== id);
    expect(await pass(value.id, id)).toEqual({ kind: "finished" });
    expect(member(id).organizationId).toBeUndefined();
  });
});

describe("after leaving", () => {
  it("never leaves out an account that is already out of the partner's organization: its door still closes", async () => {
    const id = ids.leftEarly;
    const value = await plannedCase(answersFor([id], { destination: "standalone" }));
    // Removed just before a crash (or the customer left early): the run must still lock the role.
    await fixture.aws.removeAccount(id);
    expect(await pass(value.id, id)).toEqual({ kind: "finished" });
    expect(JSON.parse(member(id).iam.roles.get("OrganizationAccountAccessRole")!.trustPolicy)).toEqual(
      lockedTrustPolicy(id),
    );
    expect((await readCaseRecord(cases, value.id))!.progress[id].exitCheck).toMatchObject({ ok: true });
  });

  it("locks the cross-account role even when accepting the invitation fails, and tells the customer how to accept it", async () => {
    const id = ids.acceptFails;
    const value = await plannedCase(answersFor([id]));
    expect(value.accountPlans[0].readiness!.state).toBe("ready");
    // The new organization cancels its invitation just after the account left.
    const aws = Object.create(fixture.aws) as typeof fixture.aws;
    aws.removeAccount = async (accountId) => {
      const outcome = await fixture.aws.removeAccount(accountId);
      fixture.sandbox.state.handshakes.get("h-newhome0607")!.state = "CANCELED";
      return outcome;
    };
    chat.clear();
    // The account fails (visibly, at its exit check) only after the role is locked.
    await expect(runAccountHandoff({ ...deps, aws }, value.id, id, { lastAttempt: true })).rejects.toBeInstanceOf(
      AccountStepFailed,
    );
    const steps = (await readCaseRecord(cases, value.id))!.progress[id].steps;
    expect(steps).toMatchObject({ leave_org: "done", accept_invitation: "failed", lock_role: "done" });
    expect(member(id).organizationId).toBeUndefined();
    expect(JSON.parse(member(id).iam.roles.get("OrganizationAccountAccessRole")!.trustPolicy)).toEqual(
      lockedTrustPolicy(id),
    );
    expect(said()).toContain("https://console.aws.amazon.com/organizations/v2/home/invitations");
    expect(said()).toContain("aws organizations accept-handshake --handshake-id");
    // The exit check says what is missing: the account is not in the named organization.
    const check = (await readCaseRecord(cases, value.id))!.progress[id].exitCheck!;
    expect(check).toMatchObject({ stage: "final", ok: false });
    expect(check.items.find((i) => i.check === "role_locked")).toMatchObject({ ok: true });
    expect(check.items.find((i) => i.check === "organization")).toMatchObject({ ok: false });
  });

  it("moves the root e-mail to the customer's before a credential-link account leaves, where trusted access allows", async () => {
    const id = ids.linkEmail;
    const email = `aws-${id}@acme.example`;
    const value = await plannedCase(answersFor([id], { destination: "standalone", rootEmails: [`${id}=${email}`] }));
    expect(value.accountPlans[0]).toMatchObject({
      rootHandover: "credential_link",
      rootEmail: { check: "verify", expected: email },
    });
    expect(await pass(value.id, id)).toEqual({ kind: "waiting_for_customer", step: "root_handover" });
    expect(member(id).organizationId).toBe("o-partner0001");
    expect(await deps.rootAccess!.acceptPrimaryEmailCode(id, email, fixture.sandbox.otp(id)!)).toEqual({
      kind: "accepted",
    });
    expect(await pass(value.id, id)).toEqual({ kind: "finished" });
    const progress = (await readCaseRecord(cases, value.id))!.progress[id];
    expect(progress.milestones).toHaveProperty("root_email_verified");
    expect(progress.exitCheck!.items.find((i) => i.check === "root_email")).toMatchObject({ ok: true });
    // The partner's root credentials stay for the one-time link: no root session on this path.
    expect(fixture.sandbox.counters()[`sts:AssumeRoot:${id}`]).toBeUndefined();
  });
});

describe("proof of exit on the demo scenario", () => {
  it("reads 222222222222 again after its last step and records the exit check in the case and the export", async () => {
    const id = "222222222222";
    const value = await plannedCase(answersFor([id], { destination: "standalone", keepLifecycleTooling: true }));
    expect(await pass(value.id, id)).toEqual({ kind: "finished" });
    const done = (await readCaseRecord(cases, value.id))!;
    const check = done.progress[id].exitCheck!;
    expect(check).toMatchObject({ stage: "final", ok: true });
    expect(check.items.map((i) => `${i.check}:${String(i.ok)}`)).toEqual([
      "partner_iam:true",
      "partner_trust:true",
      "role_locked:true",
      "root_email:unverified",
      "organization:true",
    ]);
    const { events, verification } = await audit.readVerified(value.id);
    const { markdown } = caseExport(
      done,
      await cases.accounts(done.id, done.accounts),
      events,
      new Date(),
      verification,
    );
    const section = markdown.slice(markdown.indexOf("## Exit checks"), markdown.indexOf("## Audit trail"));
    expect(section).toContain(`- ${id}: exit check passed`);
    // The exit check of a demo-scenario run, for the closing note.
    process.stdout.write(`\n${section}\n`);
  });
});
