/**
 * The preflight's pure half: from what AWS showed (organization, members, one inspection per account)
 * and the ticket's answers, the Plan the parties sign and the run follows. No I/O here, so the plan for a
 * given state of AWS is always the same plan.
 */
import type { AccountRejection } from "../handoff-events";
import type { AccountPlan, ArtifactKind, Plan, PlannedArtifact, PlannedInvitation, RootEmailPlan } from "../plan";
import type {
  AccountInspection,
  DelegatedAdministrator,
  FoundArtifact,
  MemberAccount,
  OrganizationDescription,
  OrganizationFeatures,
  PendingInvitation,
} from "./aws-operations";
import type { HandoffAnswers } from "./handoff-answers";
import { assessReadiness, leavesBeforeJoining, namedInvitation } from "./readiness";
import { accountManagementPrincipal } from "./root-access";

/** The tag word of the partner's lifecycle (CAM "Optimization") tooling, per the partner's runbook. */
export const lifecycleTagWord = "Optimization";

/** The order artifacts are revoked in: holders of attachments before what is attached to them. */
export const revokeOrder: readonly ArtifactKind[] = [
  "iam_role",
  "iam_user",
  "iam_group",
  "iam_policy",
  "saml_provider",
  "oidc_provider",
  "cross_account_role",
];

const kindLabel: Record<ArtifactKind, string> = {
  iam_role: "IAM role",
  iam_policy: "IAM policy",
  iam_user: "IAM user",
  iam_group: "IAM group",
  saml_provider: "SAML provider",
  oidc_provider: "OIDC provider",
  cross_account_role: "cross-account role",
};

export interface PlanInput {
  organization: OrganizationDescription;
  features: OrganizationFeatures;
  /** Trusted access for AWS Account Management (`account.amazonaws.com`): needed to change a member's root e-mail. */
  accountManagementTrusted: boolean;
  members: MemberAccount[];
  /** One per ticket account that is a member (accounts that are not have no inspection). */
  inspections: AccountInspection[];
  answers: HandoffAnswers;
  /** The partner's marker, to say why an artifact was picked. */
  partnerMarker: string;
  version: number;
  now: Date;
  /** `ListDelegatedAdministrators` of the partner's organization: such an account cannot leave. */
  delegatedAdministrators?: DelegatedAdministrator[];
  /** Accounts whose root credentials the partner has deposited already (the case's credential records). */
  depositedCredentials?: string[];
}

/**
 * The ticket accounts the organization cannot hand off: unknown, not ACTIVE, or the management account
 * itself. An empty list means the preflight may plan.
 */
export function checkMembership(
  accountIds: string[],
  members: MemberAccount[],
  organization: OrganizationDescription,
): AccountRejection[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  const rejections: AccountRejection[] = [];
  for (const id of accountIds) {
    const member = byId.get(id);
    if (id === organization.managementAccountId)
      rejections.push({
        accountId: id,
        reason: `account ${id} is the management account of ${organization.id}; it cannot leave its own organization`,
      });
    else if (!member)
      rejections.push({
        accountId: id,
        reason: `account ${id} is not a member of the partner's organization ${organization.id}: check the number`,
      });
    else if (member.status !== "ACTIVE")
      rejections.push({
        accountId: id,
        reason: `account ${id} is ${member.status} in ${organization.id}, not ACTIVE: only active accounts can be handed off`,
      });
  }
  return rejections;
}

/** True for the lifecycle tooling's policy: a partner policy carrying an "Optimization" tag. */
export function isLifecycleTooling(artifact: FoundArtifact): boolean {
  return artifact.kind === "iam_policy" && carriesTagWord(artifact.tags, lifecycleTagWord);
}

export function carriesTagWord(tags: Record<string, string>, word: string): boolean {
  const w = word.toLowerCase();
  return Object.entries(tags).some(([k, v]) => k.toLowerCase().includes(w) || v.toLowerCase().includes(w));
}

export function buildPlan(input: PlanInput): Plan {
  const { answers, organization } = input;
  const byId = new Map(input.members.map((m) => [m.id, m]));
  const inspections = new Map(input.inspections.map((i) => [i.accountId, i]));
  const missingForPasswordless = passwordlessPrerequisitesMissing(input);
  const passwordless = answers.credentialDelivery === "passwordless" && missingForPasswordless.length === 0;

  const accounts: AccountPlan[] = answers.accountIds.map((accountId) => {
    const member = byId.get(accountId);
    const inspection = inspections.get(accountId) ?? { accountId, artifacts: [], buckets: [], invitations: [] };
    const warnings: string[] = [];
    const artifacts = planArtifacts(inspection.artifacts, input, warnings);
    const invitation = pickInvitation(inspection.invitations, answers, warnings, input.now);
    const root = rootHandoverFor(accountId, answers, missingForPasswordless);
    if (answers.accountsWithoutRootAccess.includes(accountId)) {
      warnings.push(
        `the customer has no root access to ${accountId} yet: its root access is handed over ${root.path === "passwordless" ? "by a primary e-mail change (no password changes hands)" : "through a one-time credential link"}`,
      );
    }
    if (answers.credentialDelivery === "passwordless" && root.path === "credential_link") warnings.push(root.reason);
    const readiness = assessReadiness({
      accountId,
      organizationId: organization.id,
      member,
      delegatedServices: input.delegatedAdministrators?.find((d) => d.accountId === accountId)?.services ?? [],
      invitations: inspection.invitations,
      crossAccountRoleFound: inspection.artifacts.some((a) => a.kind === "cross_account_role"),
      rootAccessMissing: rootAccessMissing(accountId, root.path, input),
      answers,
      now: input.now,
    });
    return {
      accountId,
      accountName: member?.name,
      member: member?.status === "ACTIVE",
      artifacts,
      buckets: inspection.buckets.map((b) => {
        if (answers.bucketDisposition === "delete" && b.writers?.length)
          warnings.push(`before ${b.name} is deleted, the run stops what writes to it: ${b.writers.join(", ")}`);
        return {
          name: b.name,
          disposition: answers.bucketDisposition,
          objectVersions: b.objectVersions,
          ...(b.writers?.length ? { writers: b.writers } : {}),
        };
      }),
      invitation,
      rootHandover: root.path,
      rootHandoverReason: root.reason,
      ...(root.email ? { newRootEmail: root.email } : {}),
      warnings,
      readiness,
      rootEmail: rootEmailPlan(accountId, root.path, member?.email, input),
    };
  });

  return {
    version: input.version,
    createdAt: input.now.toISOString(),
    organizationId: organization.id,
    managementAccountId: organization.managementAccountId,
    removalBy: answers.removalBy,
    accounts,
    warnings: planWarnings(input, passwordless, missingForPasswordless),
    notes: customerNotes(answers),
  };
}

/**
 * A root-access prerequisite of the credential-link path: the customer has no root access to the account and gets
 * it only through the partner's deposit, so the deposit is proven before the account leaves.
 */
function rootAccessMissing(
  accountId: string,
  path: "passwordless" | "credential_link",
  input: PlanInput,
): { reason: string; fix: string } | undefined {
  if (path !== "credential_link" || !input.answers.accountsWithoutRootAccess.includes(accountId)) return undefined;
  if (input.depositedCredentials?.includes(accountId)) return undefined;
  return {
    reason: `the customer has no root access to ${accountId} and the partner has not deposited its root credentials yet`,
    fix: `a partner approver deposits them (\`credentials ${accountId}\`), then \`retry ${accountId}\` (or \`plan refresh\`)`,
  };
}

/** What becomes of the root e-mail before the account leaves (it must be the customer's). */
function rootEmailPlan(
  accountId: string,
  path: "passwordless" | "credential_link",
  current: string | undefined,
  input: PlanInput,
): RootEmailPlan {
  const expected = input.answers.rootEmails?.[accountId];
  if (path === "passwordless" && expected)
    return { check: "verify", expected, note: `the root e-mail moves to ${expected} before the account leaves` };
  if (input.accountManagementTrusted && expected)
    return {
      check: "verify",
      expected,
      note: `before the account leaves, Offboard reads its root e-mail (GetPrimaryEmail) and moves it to ${expected} if it is not that yet (AWS mails a code there)`,
    };
  const why = input.accountManagementTrusted
    ? "the ticket gives no new root e-mail for it (`edit rootEmails`)"
    : `the partner's organization has no trusted access for AWS Account Management (${accountManagementPrincipal})`;
  return {
    check: "partner_confirms",
    note: `its root e-mail${current ? ` (${current})` : ""} must be the customer's before it leaves, and Offboard cannot check it because ${why}: the partner changes it to the customer's address when handing over the root credentials and confirms it, which the case records`,
  };
}

/** What the customer must know before the accounts leave, in the plan they sign. */
function customerNotes(answers: HandoffAnswers): string[] {
  const notes: string[] = [];
  if (answers.destination === "standalone" || leavesBeforeJoining(answers)) {
    notes.push(
      "A standalone account pays its own bill and needs its own support plan (Basic unless the customer chooses another: AWS Support Center → Support plans) and its own contact information (Account page: primary, billing, operations and security contacts), to be checked on the day it leaves",
    );
  }
  notes.push(
    "Reserved Instances and Savings Plans are shared only inside an organization's consolidated bill: from the day it leaves, the account loses the partner organization's discounts, and its own commitments stop applying to the partner's accounts" +
      (answers.destination === "organization"
        ? " (in the new organization, sharing follows its payer's settings)"
        : ""),
    "From the moment an account leaves, its usage is payable to AWS (or the new organization's payer): leaving mid-month means prorated invoices from AWS, the partner and possibly another reseller",
  );
  return notes;
}

/** What the partner's organization lacks for the passwordless handover (empty: it has everything). */
function passwordlessPrerequisitesMissing(input: PlanInput): string[] {
  const missing: string[] = [];
  if (!input.features.rootCredentialsManagement)
    missing.push("centralized root credentials management (RootCredentialsManagement)");
  if (!input.features.rootSessions) missing.push("centralized root sessions (RootSessions)");
  if (!input.accountManagementTrusted)
    missing.push(`trusted access for AWS Account Management (${accountManagementPrincipal})`);
  return missing;
}

/** The root handover path of one account, and why, in words the plan shows. */
function rootHandoverFor(
  accountId: string,
  answers: HandoffAnswers,
  missing: string[],
): { path: "passwordless" | "credential_link"; reason: string; email?: string } {
  if (answers.credentialDelivery !== "passwordless")
    return { path: "credential_link", reason: "the ticket asks for a one-time credential link" };
  if (missing.length > 0)
    return {
      path: "credential_link",
      reason: `the partner's organization has no ${missing.join(", no ")}: falling back to the one-time credential link`,
    };
  const email = answers.rootEmails?.[accountId];
  if (!email)
    return {
      path: "credential_link",
      reason: `the ticket gives no new root e-mail for ${accountId}: falling back to the one-time credential link (\`edit rootEmails\` to go passwordless)`,
    };
  return {
    path: "passwordless",
    reason: `the organization has centralized root access: the root e-mail moves to ${email} (a customer approver gives the code AWS mails there), the partner's root credentials and MFA are deleted, and the customer sets the password with "Forgot password"`,
    email,
  };
}

/** The rules that found an artifact, as the plan lists them (`marker:name, trust:management-account`). */
function foundByWords(a: FoundArtifact, partnerMarker: string): string {
  const rules = a.foundBy ?? [
    a.name.toLowerCase().includes(partnerMarker.toLowerCase()) ? "marker:name" : "marker:tag",
  ];
  return rules.join(", ");
}

/** Whether the ticket keeps this artifact (by name or ARN, case-insensitive). */
function keptByTicket(a: FoundArtifact, keep: readonly string[]): boolean {
  return keep.some((k) => k.toLowerCase() === a.name.toLowerCase() || k.toLowerCase() === a.arn.toLowerCase());
}

function planArtifacts(found: FoundArtifact[], input: PlanInput, warnings: string[]): PlannedArtifact[] {
  const { answers, partnerMarker } = input;
  const keep = answers.keepPartnerAccess ?? [];
  const ordered = [...found].sort(
    (a, b) => revokeOrder.indexOf(a.kind) - revokeOrder.indexOf(b.kind) || a.name.localeCompare(b.name),
  );
  const planned = ordered.map((a): PlannedArtifact => {
    const why = foundByWords(a, partnerMarker);
    const ref = {
      kind: a.kind,
      name: a.name,
      arn: a.arn,
      ...(a.foundBy ? { foundBy: a.foundBy } : {}),
      ...(a.partnerPrincipals?.length ? { partnerPrincipals: a.partnerPrincipals } : {}),
    };
    if (a.kind === "cross_account_role") {
      return {
        ...ref,
        action: "lock",
        reason:
          "the partner's way into the account: last of all, its trust policy is rewritten to trust only the account itself, then the customer deletes it",
      };
    }
    if (a.protectedBy) {
      const owner = a.protectedBy === "service-linked" ? "its AWS service" : "IAM Identity Center";
      return {
        ...ref,
        action: "keep",
        reason: `${kindLabel[a.kind]} protected by AWS (${a.protectedBy}): reported, never touched; only ${owner} may change it${why ? ` (found by ${why})` : ""}`,
      };
    }
    if (isLifecycleTooling(a)) {
      return answers.keepLifecycleTooling
        ? {
            ...ref,
            action: "untag",
            reason: `the customer keeps the partner's lifecycle tooling: the policy stays, its "${lifecycleTagWord}" tags are removed`,
          }
        : { ...ref, action: "delete", reason: "the partner's lifecycle tooling, which the customer does not keep" };
    }
    if (keptByTicket(a, keep)) {
      if (a.kind === "iam_role" && a.partnerPrincipals?.length)
        return {
          ...ref,
          action: "untrust",
          reason: `the ticket keeps this ${kindLabel[a.kind]}: it stays, but its trust policy loses the partner's principals (${a.partnerPrincipals.join(", ")}); found by ${why}`,
        };
      return { ...ref, action: "keep", reason: `the ticket keeps this ${kindLabel[a.kind]} (found by ${why})` };
    }
    return { ...ref, action: "delete", reason: `${kindLabel[a.kind]} of the partner, found by ${why}` };
  });
  for (const name of keep)
    if (!found.some((a) => keptByTicket(a, [name])))
      warnings.push(`the ticket keeps "${name}", but no partner item of that name was found in this account`);
  if (answers.keepLifecycleTooling && !planned.some((a) => a.action === "untag")) {
    warnings.push(
      `the ticket keeps the lifecycle tooling but no partner policy tagged "${lifecycleTagWord}" was found in this account`,
    );
  }
  return planned;
}

function pickInvitation(
  invitations: PendingInvitation[],
  answers: HandoffAnswers,
  warnings: string[],
  now: Date,
): PlannedInvitation | undefined {
  const open = invitations.filter((i) => i.state === "OPEN" || i.state === "REQUESTED");
  if (answers.destination === "standalone") {
    for (const i of open)
      warnings.push(
        `an invitation from ${i.organizationId} is waiting, but the ticket says standalone: it will not be accepted`,
      );
    return undefined;
  }
  const target = answers.newOrganization;
  // Only the named organization's invitation is ever accepted; any other is reported and left alone.
  for (const i of open.filter((x) => x.organizationId !== target))
    warnings.push(
      `an invitation from ${i.organizationId} is waiting, but the ticket names ${target}: it will not be accepted`,
    );
  const match = namedInvitation(open, target, now);
  if (!match) return undefined;
  if (match.expiresAt && answers.targetDate && Date.parse(match.expiresAt) < endOfDay(answers.targetDate)) {
    warnings.push(
      `the invitation from ${match.organizationId} expires on ${match.expiresAt.slice(0, 10)}, before the target date ${answers.targetDate.slice(0, 10)}: ask ${target} to send a new one within 15 days of the target date`,
    );
  }
  return { handshakeId: match.handshakeId, organizationId: match.organizationId, expiresAt: match.expiresAt };
}

function planWarnings(input: PlanInput, passwordless: boolean, missingForPasswordless: string[]): string[] {
  const { answers } = input;
  const ids = answers.accountIds.join(", ");
  const warnings = [
    `AWS does not let us check payment methods: the customer must confirm that ${ids} each have a valid payment method, or leaving fails (accounts created by the partner usually have none)`,
    `AWS does not let us check phone verification: the customer must confirm the phone number of ${ids} is verified`,
  ];
  if (answers.credentialDelivery === "passwordless" && !passwordless && missingForPasswordless.length > 0) {
    warnings.push(
      `the passwordless root handover needs centralized root access in the partner's organization, and it has no ${missingForPasswordless.join(", no ")}: root credentials go through one-time links instead. ` +
        "The partner can enable it (docs/root-access.md) and run `plan refresh` to go passwordless",
    );
  }
  if (passwordless) {
    warnings.push(
      "during the run AWS mails a code to each new root e-mail address; a customer approver gives it to Offboard (`code <account> <code>`) within 24 hours, and the run waits for it",
    );
  }
  if (answers.removalBy === "customer") {
    warnings.push(
      "the customer leaves the organization from each account (console → AWS Organizations → Leave organization); the run waits until each account has left",
    );
  }
  return warnings;
}

function endOfDay(date: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T23:59:59Z`) : Date.parse(date);
}
