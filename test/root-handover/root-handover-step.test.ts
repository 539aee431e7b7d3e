import { readCaseRecord } from "../support/case-record";
import {
  CreateLoginProfileCommand,
  DeleteLoginProfileCommand,
  DeleteVirtualMFADeviceCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import { openRootSession, SdkRootAccess } from "../../adapters/aws/root-access";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { rootMilestones, runAccountHandoff, type AccountHandoffDeps } from "../../jobs/account-handoff";
import { runPreflight } from "../../jobs/preflight";
import { HandoffPreconditionError } from "../../src/aws/aws-errors";
import { rootTaskPolicies } from "../../src/aws/root-access";
import type { AnswerValue } from "../../src/case";
import { systemClock } from "../../src/clock";
import { HandoffWorkflow } from "../../src/conversation/handoff-workflow";
import { loadScenario, type Scenario } from "../../sandbox";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { createCase } from "../jobs/job-fixture";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { testAuditKeys } from "../support/audit-keys";

/**
 * The root handover step on its own, against the sandbox through the real AWS adapter and the core's
 * real workflow (Redis case store and audit trail), with no queue: each call of runAccountHandoff is
 * one pass of the account job, as a poll or a retry would make it.
 */
jest.setTimeout(60_000);

const { redis, prefix, cleanup } = testRedis("root-handover");
const cases = new RedisCaseStore(redis, prefix);
const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
const chat = new RecordingChat();
const workflow = new HandoffWorkflow({
  cases,
  audit,
  chat,
  idempotency: new RedisIdempotencyStore(redis, prefix),
  partners: { isPartner: async () => false, approvers: async () => [] },
  clock: systemClock,
});
let fixture: AwsFixture;
let deps: AccountHandoffDeps;

const passwordlessAnswers = (rootEmails: string[]): Record<string, AnswerValue> => ({
  accountIds: rootEmails.map((pair) => pair.split("=")[0]),
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: false,
  bucketDisposition: "keep",
  removalBy: "partner",
  destination: "standalone",
  credentialDelivery: "passwordless",
  rootEmails,
  targetDate: "2099-01-01",
});

/** State-changing calls of the root handover for one account, as the sandbox counts them. */
const handoverChanges = [
  "account:StartPrimaryEmailUpdate",
  "account:AcceptPrimaryEmailUpdate",
  "iam:DeleteLoginProfile",
  "iam:DeleteAccessKey",
  "iam:DeleteSigningCertificate",
  "iam:DeactivateMFADevice",
  "iam:CreateLoginProfile",
];
const changesFor = (accountId: string) =>
  handoverChanges.map((op) => `${op}=${fixture.sandbox.counters()[`${op}:${accountId}`] ?? 0}`);

async function plannedCase(rootEmails: string[], aws = fixture.aws): Promise<string> {
  const c = await createCase(cases, passwordlessAnswers(rootEmails));
  expect(
    await runPreflight({ aws, cases, events: workflow, partnerMarker: "CTL", clock: systemClock }, c.id, {
      lastAttempt: true,
    }),
  ).toBe("planned");
  return c.id;
}

const pass = (caseId: string, accountId: string) => runAccountHandoff(deps, caseId, accountId, { lastAttempt: true });
const root = (accountId: string) => fixture.sandbox.state.accounts.get(accountId)!;
const activeRootMfa = (accountId: string) =>
  [...root(accountId).iam.mfaDevices.values()].filter((d) => d.user === "ROOT");

beforeAll(async () => {
  fixture = await startAwsFixture();
  deps = { aws: fixture.aws, rootAccess: new SdkRootAccess(fixture.clients), cases, events: workflow };
});

afterAll(async () => {
  await workflow.flush();
  await fixture?.close();
  await cleanup();
});

describe("the root handover step", () => {
  it("moves the root e-mail, waits for the code, deletes the partner's root credentials, opens password recovery, and then changes nothing when run again", async () => {
    const id = "222222222222";
    const email = "aws-prod@acme.example";
    const caseId = await plannedCase([`${id}=${email}`]);
    const plans = (await readCaseRecord(cases, caseId))!.accountPlans;
    expect(plans[0]).toMatchObject({ rootHandover: "passwordless", newRootEmail: email });
    expect(root(id).iam.root).toMatchObject({ loginProfile: expect.anything(), accessKeys: [expect.anything()] });
    expect(activeRootMfa(id)).toHaveLength(1);

    // First pass: the update starts, the channel is told where the code went; the run waits.
    expect(await pass(caseId, id)).toEqual({ kind: "waiting_for_customer", step: "root_handover" });
    expect(fixture.sandbox.otp(id)).toMatch(/^\d{6}$/);
    expect(chat.texts("post").join("\n")).toContain(
      `AWS sent a code to ${email}. A customer approver replies \`code ${id} <code>\``,
    );
    // A poll starts nothing new: no second code is mailed.
    expect(await pass(caseId, id)).toMatchObject({ kind: "waiting_for_customer" });
    expect(fixture.sandbox.counters()[`account:StartPrimaryEmailUpdate:${id}`]).toBe(1);

    expect(
      await deps.rootAccess!.acceptPrimaryEmailCode(
        id,
        email,
        "000000" === fixture.sandbox.otp(id) ? "111111" : "000000",
      ),
    ).toEqual({ kind: "wrong_code" });
    expect(root(id).email).toBe("aws-prod@ctl-managed.example");
    expect(await deps.rootAccess!.acceptPrimaryEmailCode(id, email, fixture.sandbox.otp(id)!)).toEqual({
      kind: "accepted",
    });
    expect(root(id).email).toBe(email);

    expect(await pass(caseId, id)).toEqual({ kind: "finished" });
    const after = root(id);
    expect(after.iam.root.loginProfile).toBeDefined(); // recovery only: the customer sets the password
    expect(after.iam.root.accessKeys).toEqual([]);
    expect(after.iam.root.signingCertificates).toEqual([]);
    expect(activeRootMfa(id)).toEqual([]);
    const progress = (await readCaseRecord(cases, caseId))!.progress[id];
    expect(progress.steps.root_handover).toBe("done");
    // The root handover's milestones, then the proof taken right before leaving.
    expect(Object.keys(progress.milestones ?? {})).toEqual([...Object.values(rootMilestones), "root_email_verified"]);
    const audited = (await audit.read(caseId)).filter((e) => e.action.startsWith("step.root_handover."));
    expect(audited.map((e) => e.action)).toEqual(Object.values(rootMilestones).map((m) => `step.root_handover.${m}`));
    expect(audited[2].payload).toMatchObject({
      accountId: id,
      loginProfile: true,
      accessKeys: 1,
      signingCertificates: 0,
      mfaDevices: 1,
    });
    expect(chat.texts("post").join("\n")).toContain(`root access to ${id} is yours`);

    // Run the handover again (a retry resets the step): nothing is repeated, whatever AWS looks like now.
    const before = changesFor(id);
    await cases.updateAccounts(caseId, [id], (c) => ({
      case: c,
      accounts: { [id]: { progress: { ...progress, steps: { ...progress.steps, root_handover: "pending" } } } },
    }));
    expect(await pass(caseId, id)).toEqual({ kind: "finished" });
    expect(changesFor(id)).toEqual(before);
    expect(root(id).iam.root.loginProfile).toBeDefined();
  });

  it("resumes from AWS's state: credentials already gone count as deleted, and an expired code brings a new one", async () => {
    const id = "555555555555";
    const email = "aws-sandbox@acme.example";
    const caseId = await plannedCase([`${id}=${email}`]);
    await pass(caseId, id);
    // The code expires before anyone gives it: AWS mails a new one, and that one works.
    root(id).pendingEmailUpdate!.expiresAt = new Date(Date.now() - 1000);
    expect(await deps.rootAccess!.acceptPrimaryEmailCode(id, email, "123456")).toEqual({ kind: "new_code_sent" });
    expect(fixture.sandbox.counters()[`account:StartPrimaryEmailUpdate:${id}`]).toBe(2);
    expect(await deps.rootAccess!.acceptPrimaryEmailCode(id, email, fixture.sandbox.otp(id)!)).toEqual({
      kind: "accepted",
    });
    expect(await deps.rootAccess!.acceptPrimaryEmailCode(id, email, "123456")).toEqual({ kind: "already_accepted" });

    // As if a pass had deleted the credentials and died before recording it.
    await deps.rootAccess!.deleteRootCredentials(id);
    const deletions = changesFor(id);
    expect(await pass(caseId, id)).toEqual({ kind: "finished" });
    const milestones = (await audit.read(caseId)).filter(
      (e) => e.action === `step.root_handover.${rootMilestones.credentialsDeleted}`,
    );
    expect(milestones[0].payload).toMatchObject({
      loginProfile: false,
      accessKeys: 0,
      signingCertificates: 0,
      mfaDevices: 0,
    });
    // Only the recovery login profile was created since.
    expect(changesFor(id).filter((c, i) => c !== deletions[i])).toEqual(["iam:CreateLoginProfile=1"]);
  });

  it("fails the account with what to do when the new address already is another account's root e-mail", async () => {
    const id = "444444444444";
    const caseId = await plannedCase([`${id}=it-admin@acme.example`]);
    const failure = await pass(caseId, id).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(Error);
    const progress = (await readCaseRecord(cases, caseId))!.progress[id];
    expect(progress.steps.root_handover).toBe("failed");
    expect(progress.steps.leave_org).toBeUndefined();
    expect(progress.error).toMatch(/it-admin@acme\.example is already the root e-mail of another AWS account/);
    expect(progress.error).toMatch(
      /changes its e-mail address\), after which a partner approver retries 444444444444; or the partner hands 444444444444 over through a one-time credential link instead \(`credentials 444444444444`\)/,
    );
    expect(root(id).organizationId).toBe("o-partner0001");
  });
});

describe("root sessions through the adapter", () => {
  it("can do nothing outside their task policy", async () => {
    const deleting = await openRootSession(fixture.clients, "333333333333", rootTaskPolicies.deleteCredentials);
    const recovering = await openRootSession(fixture.clients, "333333333333", rootTaskPolicies.allowPasswordRecovery);
    try {
      const serial = [...root("333333333333").iam.mfaDevices.values()].find((d) => d.user === "ROOT")!.serialNumber;
      const attempts: [typeof deleting, object][] = [
        [deleting, new ListRolesCommand({})],
        [deleting, new CreateLoginProfileCommand({})],
        [deleting, new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })],
        [recovering, new DeleteLoginProfileCommand({})],
      ];
      for (const [iam, command] of attempts) {
        const denied = await iam
          .send(command as never)
          .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } });
        expect([
          (denied as Error).name,
          (denied as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode,
        ]).toEqual(["AccessDenied", 403]);
      }
      expect(root("333333333333").iam.root.loginProfile).toBeDefined();
    } finally {
      deleting.destroy();
      recovering.destroy();
    }
  });

  it("refuses a root session outside the organization and says what the partner can do instead", async () => {
    const error = await openRootSession(fixture.clients, "777777777777", rootTaskPolicies.deleteCredentials).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HandoffPreconditionError);
    expect((error as Error).message).toMatch(
      /AWS refused a root session in account 777777777777 .*`credentials 777777777777`/,
    );
  });
});

describe("an organization without centralized root access", () => {
  /** Plans (and, with `run`, runs one pass of) 222222222222 in a sandbox changed by `change`. */
  const without = async (change: (s: Scenario) => void, run = false) => {
    const scenario = loadScenario();
    change(scenario);
    const other = await startAwsFixture({ scenario });
    try {
      const caseId = await plannedCase(["222222222222=aws-prod@acme.example"], other.aws);
      const outcome = run
        ? await runAccountHandoff(
            { ...deps, aws: other.aws, rootAccess: new SdkRootAccess(other.clients) },
            caseId,
            "222222222222",
            { lastAttempt: true },
          )
        : undefined;
      return { value: (await readCaseRecord(cases, caseId))!, outcome, counters: other.sandbox.counters() };
    } finally {
      await other.close();
      // The shared fixture's endpoint again, for the tests that follow.
      Object.assign(process.env, fixture.env);
    }
  };

  it("falls back to the credential link in the plan; the run still moves the root e-mail, without a root session", async () => {
    const { value, outcome, counters } = await without((s) => (s.organization.rootCredentialsManagement = false), true);
    expect(value.accountPlans[0]).toMatchObject({
      rootHandover: "credential_link",
      rootHandoverReason: expect.stringMatching(
        /no centralized root credentials management \(RootCredentialsManagement\): falling back to the one-time credential link/,
      ),
      rootEmail: { check: "verify", expected: "aws-prod@acme.example" },
    });
    expect(value.plan!.warnings.join("\n")).toMatch(/root credentials go through one-time links instead/);
    // Trusted access for Account Management is there: the root e-mail moves before leaving (the code is awaited).
    expect(outcome).toEqual({ kind: "waiting_for_customer", step: "root_handover" });
    expect(value.progress["222222222222"].steps).toMatchObject({ root_handover: "running" });
    expect(value.progress["222222222222"].steps.leave_org).toBeUndefined();
    expect(Object.keys(counters).filter((k) => k.startsWith("sts:AssumeRoot"))).toEqual([]);
    expect(counters["account:StartPrimaryEmailUpdate:222222222222"]).toBe(1);
  });

  it("falls back too when Account Management has no trusted access", async () => {
    const { value } = await without((s) => (s.organization.enabledServices = ["iam.amazonaws.com"]));
    expect(value.accountPlans[0].rootHandover).toBe("credential_link");
    expect(value.accountPlans[0].rootHandoverReason).toMatch(
      /no trusted access for AWS Account Management \(account\.amazonaws\.com\)/,
    );
  });
});
