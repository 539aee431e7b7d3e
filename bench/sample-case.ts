/**
 * A case as the conversation stores it once its run has finished, with any number of accounts: a full ticket, the
 * plan's header and three sign-offs in the document; per account a plan (eight partner roles, two buckets, its
 * readiness and root e-mail plan) and the run's progress with its exit check. For the storage benchmarks and tests.
 */
import type { AccountState, Case } from "../src/case";
import { handoffSteps, planHeaderOf, type AccountPlan, type Plan } from "../src/plan";

const who = (userId: string, teamId: string) => ({ platform: "slack" as const, userId, teamId });

/** Account ids 200000000000, 200000000001, … */
export function sampleAccountIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(200000000000 + i));
}

export function sampleAccountPlan(accountId: string, now: string): AccountPlan {
  const roles = [
    "CTL-Admin",
    "CTL-ReadOnly",
    "CTL-Billing",
    "CTL-CAM-Lifecycle",
    "CTL-SSO",
    "ctl-automation",
    "CTL-Operators",
    "OrganizationAccountAccessRole",
  ];
  return {
    accountId,
    accountName: `Acme workload ${accountId.slice(-4)}`,
    member: true,
    rootHandover: "credential_link",
    rootHandoverReason: "the organization has no centralized root access",
    warnings: [],
    buckets: [
      { name: `config-bucket-${accountId}`, disposition: "archive", objectVersions: 1200 },
      { name: `ctlaudit-${accountId}`, disposition: "archive", objectVersions: 300 },
    ],
    artifacts: roles.map((name) => ({
      kind: "iam_role" as const,
      name,
      arn: `arn:aws:iam::${accountId}:role/${name}`,
      action: name === "OrganizationAccountAccessRole" ? ("lock" as const) : ("delete" as const),
      reason: "carries the partner marker CTL",
      foundBy: ["marker:name", "trust:management-account"],
      partnerPrincipals: ["arn:aws:iam::111111111111:root"],
    })),
    readiness: { state: "ready", blockers: [], checkedAt: now },
    rootEmail: {
      check: "partner_confirms",
      note: "Offboard cannot read it (no trusted access for AWS Account Management): the partner confirms the change.",
    },
  };
}

/** The state of one account whose run finished: its plan, every step done, the exit check passed. */
export function sampleAccountState(accountId: string, now: string): AccountState {
  return {
    plan: sampleAccountPlan(accountId, now),
    progress: {
      accountId,
      steps: Object.fromEntries(handoffSteps.map((step) => [step, "done"])),
      milestones: { root_credentials_deleted: now, role_locked: now },
      exitCheck: {
        stage: "final",
        ok: true,
        checkedAt: now,
        items: [
          { check: "partner_iam", ok: true, detail: "no partner role, user, group or policy left" },
          { check: "partner_trust", ok: true, detail: "no role trusts the partner" },
          { check: "role_locked", ok: true, detail: "OrganizationAccountAccessRole trusts only the account" },
          { check: "root_email", ok: "unverified", detail: "the partner confirmed the root e-mail" },
          { check: "organization", ok: true, detail: "out of o-partner0001" },
        ],
      },
      updatedAt: now,
    },
  };
}

/** The customer's approver and credential recipient of the sample cases. */
export const sampleCustomer = who("U0CUSTOMER1", "T0CUSTOMER");

/** The complete ticket of a sample case of `accountIds`, answered as the conversation stores it. */
export function sampleTicket(accountIds: string[], now: string): Case["ticket"] {
  return {
    answers: {
      customerName: "Acme Corp",
      customerApprovers: [sampleCustomer],
      goal: "Run our own AWS organization after the reseller contract ends.",
      targetDate: "2027-01-15",
      partnerRepresentative: "<@U0PARTNER1>",
      accountIds,
      accountsWithoutRootAccess: [],
      credentialRecipients: [sampleCustomer],
      credentialDelivery: "link",
      removalBy: "partner",
      keepLifecycleTooling: false,
      destination: "standalone",
      bucketDisposition: "archive",
      accountsPayableInformed: true,
      specialConsiderations: null,
    },
    history: [],
    warnings: {},
    completedAt: now,
  };
}

/** A finished case of `accountIds`: its document (with the plan's header) and each account's state. */
export function sampleCase(
  id: string,
  accountIds: string[],
  now: string,
): { value: Case; accounts: Record<string, AccountState> } {
  const accounts = Object.fromEntries(accountIds.map((a) => [a, sampleAccountState(a, now)]));
  const plan: Plan = {
    version: 1,
    createdAt: now,
    organizationId: "o-partner0001",
    managementAccountId: "111111111111",
    removalBy: "partner",
    warnings: ["Payment method and phone verification cannot be checked by API: the customer confirms them."],
    accounts: accountIds.map((a) => accounts[a].plan!),
  };
  const header = planHeaderOf(plan);
  const value: Case = {
    id,
    status: "completed",
    customerName: "Acme Corp",
    locations: [{ platform: "slack", channelId: "C0123456789", teamId: "T0PARTNER" }],
    caseMessage: { platform: "slack", channelId: "C0123456789", messageId: "1732621234.000100" },
    progressMessage: { platform: "slack", channelId: "C0123456789", messageId: "1732621234.000300" },
    ticket: sampleTicket(accountIds, now),
    accounts: accountIds,
    members: { customer: [sampleCustomer], aws: [who("U0AWS00001", "T0AWS")] },
    plan: header,
    signOffs: (["customer", "aws", "partner"] as const).map((party) => ({
      party,
      by: who(`U0${party.toUpperCase()}`, "T0"),
      at: now,
      hash: "0".repeat(64),
    })),
    execution: { startedAt: now, finishedAt: now },
    createdBy: who("U0PARTNER1", "T0PARTNER"),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  return { value, accounts };
}
