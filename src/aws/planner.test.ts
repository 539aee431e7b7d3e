import { buildPlan, checkMembership, type PlanInput } from "./planner";
import type { AccountInspection } from "./aws-operations";
import type { HandoffAnswers } from "./handoff-answers";
import { readHandoffAnswers } from "./handoff-answers";
import { constraintViolation } from "./aws-errors";

const organization = { id: "o-partner0001", managementAccountId: "111111111111" };
const members = [
  { id: "222222222222", name: "Acme Prod", status: "ACTIVE" },
  { id: "333333333333", name: "Acme Dev", status: "ACTIVE" },
  { id: "444444444444", name: "Acme Old", status: "SUSPENDED" },
];

function inspection(accountId: string): AccountInspection {
  return {
    accountId,
    artifacts: [
      {
        kind: "cross_account_role",
        name: "OrganizationAccountAccessRole",
        arn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
        tags: {},
      },
      {
        kind: "iam_policy",
        name: "CTL-CAM-Lifecycle",
        arn: `arn:aws:iam::${accountId}:policy/CTL-CAM-Lifecycle`,
        tags: { Optimization: "true", CTL: "managed" },
      },
      { kind: "iam_policy", name: "CTL-Audit", arn: `arn:aws:iam::${accountId}:policy/CTL-Audit`, tags: {} },
      { kind: "iam_role", name: "CTL-Ops", arn: `arn:aws:iam::${accountId}:role/CTL-Ops`, tags: {} },
      { kind: "saml_provider", name: "CTL-SSO", arn: `arn:aws:iam::${accountId}:saml-provider/CTL-SSO`, tags: {} },
      {
        kind: "iam_user",
        name: "billing-bot",
        arn: `arn:aws:iam::${accountId}:user/billing-bot`,
        tags: { Owner: "CTL" },
      },
    ],
    buckets: [{ name: `config-bucket-${accountId}`, objectVersions: 3 }],
    invitations: [
      { handshakeId: "h-1", organizationId: "o-newhome0001", state: "OPEN", expiresAt: "2026-03-10T00:00:00Z" },
    ],
  };
}

const answers: HandoffAnswers = {
  accountIds: ["222222222222"],
  accountsWithoutRootAccess: [],
  keepLifecycleTooling: true,
  bucketDisposition: "archive",
  removalBy: "partner",
  destination: "organization",
  newOrganization: "o-newhome0001",
  credentialDelivery: "passwordless",
  rootEmails: { "222222222222": "aws-prod@acme.example" },
  targetDate: "2026-03-20",
};

const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  organization,
  features: { rootCredentialsManagement: true, rootSessions: true },
  accountManagementTrusted: true,
  members,
  inspections: [inspection("222222222222")],
  answers,
  partnerMarker: "CTL",
  version: 1,
  now: new Date("2026-03-01T00:00:00Z"),
  ...over,
});

describe("the preflight plan", () => {
  it("deletes partner artifacts in the safe order and locks the cross-account role last", () => {
    const [account] = buildPlan(input()).accounts;
    expect(account.artifacts.map((a) => `${a.kind}:${a.name}:${a.action}`)).toEqual([
      "iam_role:CTL-Ops:delete",
      "iam_user:billing-bot:delete",
      "iam_policy:CTL-Audit:delete",
      "iam_policy:CTL-CAM-Lifecycle:untag",
      "saml_provider:CTL-SSO:delete",
      "cross_account_role:OrganizationAccountAccessRole:lock",
    ]);
    expect(account.artifacts.find((a) => a.name === "billing-bot")?.reason).toBe(
      "IAM user of the partner, found by marker:tag",
    );
  });

  it("deletes the lifecycle policy when the customer does not keep the tooling", () => {
    const [account] = buildPlan(input({ answers: { ...answers, keepLifecycleTooling: false } })).accounts;
    expect(account.artifacts.find((a) => a.name === "CTL-CAM-Lifecycle")?.action).toBe("delete");
  });

  it("applies the bucket choice and finds the new organization's invitation", () => {
    const [account] = buildPlan(input()).accounts;
    expect(account.buckets).toEqual([
      { name: "config-bucket-222222222222", disposition: "archive", objectVersions: 3 },
    ]);
    expect(account.invitation).toEqual({
      handshakeId: "h-1",
      organizationId: "o-newhome0001",
      expiresAt: "2026-03-10T00:00:00Z",
    });
  });

  it("warns when the invitation expires before the target date", () => {
    const [account] = buildPlan(input()).accounts;
    expect(account.warnings.join("\n")).toMatch(/expires on 2026-03-10, before the target date 2026-03-20/);
    const [later] = buildPlan(input({ answers: { ...answers, targetDate: "2026-03-05" } })).accounts;
    expect(later.warnings.join("\n")).not.toMatch(/expires/);
  });

  it("blocks an account joining another organization while the named organization has not invited it", () => {
    const none = { ...inspection("222222222222"), invitations: [] };
    const [account] = buildPlan(input({ inspections: [none] })).accounts;
    expect(account.invitation).toBeUndefined();
    expect(account.readiness?.state).toBe("blocked");
    expect(account.readiness?.blockers).toEqual([
      {
        code: "no_invitation",
        reason: expect.stringMatching(/has no open, unexpired invitation from o-newhome0001/),
        fix: expect.stringMatching(/o-newhome0001 invites it .*or the customer decides to leave now and join later/),
      },
    ]);
  });

  it("accepts only the named organization's invitation, never another's", () => {
    const other = {
      ...inspection("222222222222"),
      invitations: [{ handshakeId: "h-9", organizationId: "o-elsewhere01", state: "OPEN" }],
    };
    const [account] = buildPlan(input({ inspections: [other] })).accounts;
    expect(account.invitation).toBeUndefined();
    expect(account.readiness?.blockers.map((b) => b.code)).toEqual(["no_invitation"]);
    expect(account.warnings.join("\n")).toMatch(/invitation from o-elsewhere01 .* will not be accepted/);
  });

  it("treats an expired invitation as none", () => {
    const expired = {
      ...inspection("222222222222"),
      invitations: [
        { handshakeId: "h-1", organizationId: "o-newhome0001", state: "OPEN", expiresAt: "2026-02-28T00:00:00Z" },
      ],
    };
    expect(buildPlan(input({ inspections: [expired] })).accounts[0].readiness?.state).toBe("blocked");
  });

  it("lets an account leave standalone first only by the ticket's explicit decision, and says what that means", () => {
    const none = { ...inspection("222222222222"), invitations: [] };
    const plan = buildPlan(
      input({ inspections: [none], answers: { ...answers, joinDecision: "leave_now_join_later" } }),
    );
    expect(plan.accounts[0].readiness).toMatchObject({ state: "ready", blockers: [] });
    expect(plan.notes?.join("\n")).toMatch(/support plan/);
    const waits = buildPlan(
      input({ inspections: [none], answers: { ...answers, joinDecision: "wait_for_invitation" } }),
    );
    expect(waits.accounts[0].readiness?.state).toBe("blocked");
  });

  it("blocks an account created in the organization less than 4 days ago, not an invited one (AWS's waiting period)", () => {
    const created = [
      { id: "222222222222", status: "ACTIVE", joinedMethod: "CREATED", joinedTimestamp: "2026-02-27T12:00:00Z" },
    ];
    const [account] = buildPlan(input({ members: created })).accounts;
    expect(account.readiness?.blockers).toEqual([
      {
        code: "waiting_period",
        reason: expect.stringMatching(
          /created in the partner's organization on 2026-02-27.*only 4 days after its creation/,
        ),
        fix: expect.stringMatching(/^wait until 2026-03-03T12:00Z, then `retry 222222222222`/),
      },
    ]);
    const invited = [{ ...created[0], joinedMethod: "INVITED" }];
    expect(buildPlan(input({ members: invited })).accounts[0].readiness?.state).toBe("ready");
    const old = [{ ...created[0], joinedTimestamp: "2026-02-20T00:00:00Z" }];
    expect(buildPlan(input({ members: old })).accounts[0].readiness?.state).toBe("ready");
  });

  it("blocks a delegated administrator and names its services and the fix", () => {
    const [account] = buildPlan(
      input({
        delegatedAdministrators: [
          { accountId: "222222222222", services: ["guardduty.amazonaws.com", "securityhub.amazonaws.com"] },
        ],
      }),
    ).accounts;
    expect(account.readiness?.blockers[0]).toMatchObject({
      code: "delegated_administrator",
      reason: expect.stringMatching(
        /delegated administrator .* for guardduty.amazonaws.com, securityhub.amazonaws.com/,
      ),
      fix: expect.stringMatching(/deregister-delegated-administrator --account-id 222222222222/),
    });
  });

  it("blocks an account the partner cannot reach to remove its access", () => {
    const noRole = {
      ...inspection("222222222222"),
      artifacts: inspection("222222222222").artifacts.filter((a) => a.kind !== "cross_account_role"),
    };
    const [account] = buildPlan(input({ inspections: [noRole] })).accounts;
    expect(account.readiness?.blockers.map((b) => b.code)).toEqual(["partner_access"]);
  });

  it("blocks a credential-link account the customer has no root access to until its credentials are deposited", () => {
    const link = { ...answers, credentialDelivery: "link" as const, accountsWithoutRootAccess: ["222222222222"] };
    const [blocked] = buildPlan(input({ answers: link })).accounts;
    expect(blocked.readiness?.blockers.map((b) => b.code)).toEqual(["root_access"]);
    const [deposited] = buildPlan(input({ answers: link, depositedCredentials: ["222222222222"] })).accounts;
    expect(deposited.readiness?.state).toBe("ready");
  });

  it("says how the root e-mail becomes the customer's on the credential-link path", () => {
    const link = { ...answers, credentialDelivery: "link" as const };
    expect(buildPlan(input({ answers: link })).accounts[0].rootEmail).toMatchObject({
      check: "verify",
      expected: "aws-prod@acme.example",
    });
    const untrusted = buildPlan(input({ answers: link, accountManagementTrusted: false })).accounts[0];
    expect(untrusted.rootEmail).toMatchObject({ check: "partner_confirms" });
    expect(untrusted.rootEmail?.note).toMatch(/no trusted access for AWS Account Management.*the partner changes it/);
  });

  it("tells the customer about Reserved Instance and Savings Plans sharing and prorated invoices", () => {
    const notes = buildPlan(input()).notes!.join("\n");
    expect(notes).toMatch(/Reserved Instances and Savings Plans/);
    expect(notes).toMatch(/prorated invoices/);
    expect(notes).not.toMatch(/support plan/);
    expect(buildPlan(input({ answers: { ...answers, destination: "standalone" } })).notes!.join("\n")).toMatch(
      /support plan .* contact information/,
    );
  });

  it("hands root over without a password only when the organization has centralized root access", () => {
    expect(buildPlan(input()).accounts[0].rootHandover).toBe("passwordless");
    const plan = buildPlan(input({ features: { rootCredentialsManagement: true, rootSessions: false } }));
    expect(plan.accounts[0].rootHandover).toBe("credential_link");
    expect(plan.warnings.join("\n")).toMatch(/centralized root access/);
    expect(buildPlan(input({ answers: { ...answers, credentialDelivery: "link" } })).accounts[0].rootHandover).toBe(
      "credential_link",
    );
  });

  it("says which root handover path each account takes and why", () => {
    const [passwordless] = buildPlan(input()).accounts;
    expect(passwordless).toMatchObject({ rootHandover: "passwordless", newRootEmail: "aws-prod@acme.example" });
    expect(passwordless.rootHandoverReason).toMatch(
      /centralized root access: the root e-mail moves to aws-prod@acme.example/,
    );

    const untrusted = buildPlan(input({ accountManagementTrusted: false }));
    expect(untrusted.accounts[0].rootHandover).toBe("credential_link");
    expect(untrusted.accounts[0]).not.toHaveProperty("newRootEmail");
    expect(untrusted.accounts[0].rootHandoverReason).toBe(
      "the partner's organization has no trusted access for AWS Account Management (account.amazonaws.com): falling back to the one-time credential link",
    );
    expect(untrusted.accounts[0].warnings).toContain(untrusted.accounts[0].rootHandoverReason);
    expect(untrusted.warnings.join("\n")).toMatch(/plan refresh/);

    const noFeatures = buildPlan(input({ features: { rootCredentialsManagement: false, rootSessions: false } }))
      .accounts[0];
    expect(noFeatures.rootHandoverReason).toMatch(
      /no centralized root credentials management \(RootCredentialsManagement\), no centralized root sessions \(RootSessions\): falling back/,
    );

    const noAddress = buildPlan(input({ answers: { ...answers, rootEmails: {} } })).accounts[0];
    expect(noAddress).toMatchObject({
      rootHandover: "credential_link",
      rootHandoverReason: expect.stringMatching(/no new root e-mail for 222222222222/),
    });
  });

  it("asks the customer to confirm what AWS cannot check", () => {
    const warnings = buildPlan(input()).warnings.join("\n");
    expect(warnings).toMatch(/payment method/);
    expect(warnings).toMatch(/phone/);
  });
});

describe("membership check", () => {
  it("rejects unknown, inactive and management accounts with a reason each", () => {
    const rejections = checkMembership(
      ["222222222222", "999999999999", "444444444444", "111111111111"],
      members,
      organization,
    );
    expect(rejections.map((r) => r.accountId)).toEqual(["999999999999", "444444444444", "111111111111"]);
    expect(rejections[0].reason).toMatch(/not a member of the partner's organization o-partner0001/);
    expect(rejections[1].reason).toMatch(/SUSPENDED/);
    expect(rejections[2].reason).toMatch(/management account/);
  });
});

describe("ticket answers", () => {
  it("reads the parsed answers and names a missing one", () => {
    const read = readHandoffAnswers({
      accountIds: ["222222222222"],
      keepLifecycleTooling: false,
      bucketDisposition: "delete",
      removalBy: "customer",
      credentialDelivery: "link",
    });
    expect(read).toMatchObject({ destination: "standalone", removalBy: "customer", bucketDisposition: "delete" });
    expect(() => readHandoffAnswers({ accountIds: ["222222222222"], removalBy: "customer" })).toThrow(
      /bucketDisposition/,
    );
  });

  it("reads the new root e-mails of a passwordless ticket and names an account without one", () => {
    const base = {
      accountIds: ["222222222222", "333333333333"],
      keepLifecycleTooling: false,
      bucketDisposition: "delete",
      removalBy: "partner",
      credentialDelivery: "passwordless",
    };
    const read = readHandoffAnswers({
      ...base,
      rootEmails: ["222222222222=a@acme.example", "333333333333=b@acme.example"],
    });
    expect(read.rootEmails).toEqual({ "222222222222": "a@acme.example", "333333333333": "b@acme.example" });
    expect(() => readHandoffAnswers({ ...base, rootEmails: ["222222222222=a@acme.example"] })).toThrow(
      /no new root e-mail for 333333333333/,
    );
  });
});

describe("a destination organization", () => {
  const base = {
    accountIds: ["222222222222"],
    keepLifecycleTooling: false,
    bucketDisposition: "delete",
    removalBy: "partner",
    destination: "organization",
  };

  it("is refused before sign-off without the organization's ID (o-…)", () => {
    expect(() => readHandoffAnswers(base)).toThrow(
      /newOrganization: a destination organization needs the organization's ID/,
    );
    expect(() => readHandoffAnswers({ ...base, newOrganization: "999999999999" })).toThrow(/o-…/);
    expect(readHandoffAnswers({ ...base, newOrganization: "o-newhome0001" }).newOrganization).toBe("o-newhome0001");
  });

  it("reads the decision to leave before joining, and has none by default", () => {
    expect(readHandoffAnswers({ ...base, newOrganization: "o-newhome0001" }).joinDecision).toBeUndefined();
    expect(
      readHandoffAnswers({ ...base, newOrganization: "o-newhome0001", joinDecision: "leave_now_join_later" })
        .joinDecision,
    ).toBe("leave_now_join_later");
  });
});

describe("constraint reasons", () => {
  it("turns a payment-method violation into what the customer must do", () => {
    const error = constraintViolation(
      { operation: "RemoveAccountFromOrganization", accountId: "333333333333" },
      "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^account 333333333333 must have a payment method/);
  });
});
