import { buildPlan } from "../../src/aws/planner";
import { AwsConstraintError } from "../../src/aws/aws-errors";
import type { HandoffAnswers } from "../../src/aws/handoff-answers";
import { startAwsFixture, type AwsFixture } from "./aws-fixture";

const seededPartnerArtifacts = [
  "cross_account_role:OrganizationAccountAccessRole",
  "iam_group:CTL-Operators",
  "iam_policy:CTL-Billing",
  "iam_policy:CTL-CAM-Lifecycle",
  "iam_role:CTL-Admin",
  "iam_role:CTL-CAM-Provider",
  "iam_role:CTL-ReadOnly",
  "iam_role:cam-cost-reader",
  "iam_user:ctl-automation",
  "oidc_provider:oidc.cam.ctl.example",
  "saml_provider:CTL-SSO",
];
const customerArtifacts = [
  "acme-deploy",
  "AcmeDeployPolicy",
  "alice.admin",
  "acme-admins",
  "acme-okta",
  "token.actions.githubusercontent.com",
];

const answers: HandoffAnswers = {
  accountIds: ["222222222222", "333333333333", "444444444444", "555555555555"],
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: true,
  bucketDisposition: "archive",
  removalBy: "partner",
  destination: "organization",
  newOrganization: "o-newhome0001",
  credentialDelivery: "passwordless",
  rootEmails: {
    "222222222222": "aws-prod@acme.example",
    "333333333333": "aws-staging@acme.example",
    "444444444444": "aws-analytics@acme.example",
    "555555555555": "aws-sandbox@acme.example",
  },
  targetDate: "2099-01-01",
};

describe("the AWS adapter against the sandbox", () => {
  let fixture: AwsFixture;
  beforeAll(async () => {
    fixture = await startAwsFixture();
  });
  afterAll(() => fixture.close());

  it("reads the partner's organization, its members and centralized root access", async () => {
    expect(await fixture.aws.describeOrganization()).toEqual({
      id: "o-partner0001",
      managementAccountId: "111111111111",
    });
    const members = await fixture.aws.listMemberAccounts();
    expect(members.map((m) => m.id)).toEqual(
      expect.arrayContaining(["222222222222", "333333333333", "444444444444", "555555555555"]),
    );
    expect(members.find((m) => m.id === "222222222222")?.status).toBe("ACTIVE");
    expect(await fixture.aws.organizationFeatures()).toEqual({ rootCredentialsManagement: true, rootSessions: true });
    expect(await fixture.aws.accountManagementTrusted()).toBe(true);
  });

  it("finds exactly the seeded partner artifacts, by name and by tag, and none of the customer's", async () => {
    const inspection = await fixture.aws.inspectAccount("222222222222");
    const found = inspection.artifacts.map((a) => `${a.kind}:${a.name}`).sort();
    expect(found).toEqual(seededPartnerArtifacts);
    for (const name of customerArtifacts) expect(inspection.artifacts.map((a) => a.name)).not.toContain(name);
    expect(inspection.buckets.map((b) => b.name)).toEqual(["config-bucket-222222222222", "ctlaudit-222222222222"]);
    expect(inspection.buckets[0].objectVersions).toBe(7);
  });

  it("plans the seeded organization: deletes, the lifecycle policy untagged, the invitation found, the role locked last", async () => {
    const [organization, members, features] = await Promise.all([
      fixture.aws.describeOrganization(),
      fixture.aws.listMemberAccounts(),
      fixture.aws.organizationFeatures(),
    ]);
    const inspections = await Promise.all(answers.accountIds.map((id) => fixture.aws.inspectAccount(id)));
    const plan = buildPlan({
      organization,
      features,
      accountManagementTrusted: true,
      members,
      inspections,
      answers,
      partnerMarker: "CTL",
      version: 1,
      now: new Date(),
    });
    for (const account of plan.accounts) {
      expect(account.artifacts.map((a) => `${a.kind}:${a.name}`).sort()).toEqual(seededPartnerArtifacts);
      expect(account.artifacts.at(-1)).toMatchObject({ kind: "cross_account_role", action: "lock" });
      expect(account.artifacts.find((a) => a.name === "CTL-CAM-Lifecycle")?.action).toBe("untag");
      expect(account.artifacts.filter((a) => a.action === "delete")).toHaveLength(9);
      expect(account.buckets.every((b) => b.disposition === "archive")).toBe(true);
      expect(account.rootHandover).toBe("passwordless");
    }
    expect(plan.accounts.find((a) => a.accountId === "444444444444")?.invitation).toMatchObject({
      handshakeId: "h-newhome0444",
      organizationId: "o-newhome0001",
    });
    expect(plan.accounts.find((a) => a.accountId === "444444444444")?.readiness?.state).toBe("ready");
    expect(plan.accounts.find((a) => a.accountId === "222222222222")?.readiness?.blockers).toEqual([
      expect.objectContaining({ code: "no_invitation", reason: expect.stringMatching(/from o-newhome0001/) }),
    ]);
  });

  it("turns a missing payment method into the plain reason, without changing anything", async () => {
    const error = await fixture.aws.removeAccount("333333333333").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsConstraintError);
    expect((error as AwsConstraintError).reason).toBe("MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED");
    expect((error as Error).message).toMatch(/^account 333333333333 must have a payment method/);
    expect(await fixture.aws.isMember("333333333333")).toBe(true);
  });

  it("retries throttling with backoff until the call goes through", async () => {
    fixture.sandbox.setFaults({ throttleRate: 0.5 });
    try {
      for (let i = 0; i < 10; i++) expect((await fixture.aws.describeOrganization()).id).toBe("o-partner0001");
      expect(fixture.sandbox.counters()["sandbox:throttled"]).toBeGreaterThan(0);
    } finally {
      fixture.sandbox.setFaults({ throttleRate: 0 });
    }
  });
});
