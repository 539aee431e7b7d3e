/**
 * The preflight's result: per account, what was found and what the run will do with it. Sign-offs bind
 * to the hash of the ticket and this plan.
 */
export type ArtifactKind =
  "iam_role" | "iam_policy" | "iam_user" | "iam_group" | "saml_provider" | "oidc_provider" | "cross_account_role";

/**
 * delete it; keep it as it is; keep it but remove the partner's tags ("Optimization"); lock = trust only the member
 * account; untrust = a role the customer keeps loses the partner's trust statement.
 */
export type ArtifactAction = "delete" | "keep" | "untag" | "lock" | "untrust";

export interface PlannedArtifact {
  kind: ArtifactKind;
  /** Role/policy/user/group name, or the provider's ARN. */
  name: string;
  arn: string;
  action: ArtifactAction;
  /** Why this action, in plain words. */
  reason: string;
  /** The rules that found it (`marker:name`, `trust:management-account`, …; see FoundBy in src/aws/aws-operations). */
  foundBy?: string[];
  /** Roles: the partner's principals in its trust policy (what `untrust` removes). */
  partnerPrincipals?: string[];
}

export type BucketDisposition = "keep" | "archive" | "delete";

export interface PlannedBucket {
  name: string;
  disposition: BucketDisposition;
  objectVersions?: number;
  /** What writes into it; "delete" stops them first. */
  writers?: string[];
}

export interface PlannedInvitation {
  handshakeId: string;
  organizationId: string;
  expiresAt?: string;
}

export interface AccountPlan {
  accountId: string;
  accountName?: string;
  /** ACTIVE member of the partner's organization at preflight. */
  member: boolean;
  artifacts: PlannedArtifact[];
  buckets: PlannedBucket[];
  invitation?: PlannedInvitation;
  /** How root access reaches the customer. */
  rootHandover: "passwordless" | "credential_link";
  /** Why that path, in plain words (e.g. the organization has no centralized root access). */
  rootHandoverReason?: string;
  /** Passwordless only: the address the account's root e-mail moves to (from the ticket). */
  newRootEmail?: string;
  warnings: string[];
}

export interface Plan {
  /** Increases with every re-plan; shown on the sign-off message. */
  version: number;
  createdAt: string;
  organizationId: string;
  managementAccountId: string;
  removalBy: "partner" | "customer";
  accounts: AccountPlan[];
  warnings: string[];
}

export function countArtifacts(plan: Plan, action?: ArtifactAction): number {
  return plan.accounts.reduce((n, a) => n + a.artifacts.filter((x) => !action || x.action === action).length, 0);
}

/**
 * The steps of one account's handoff, in the order they run. `root_handover` comes before `leave_org`:
 * AWS changes a member's root e-mail and opens root sessions only while the account is in the
 * organization.
 */
export const handoffSteps = [
  "revoke_iam",
  "buckets",
  "root_handover",
  "leave_org",
  "accept_invitation",
  "lock_role",
] as const;
export type HandoffStep = (typeof handoffSteps)[number];

export const handoffStepLabel: Record<HandoffStep, string> = {
  revoke_iam: "Revoke partner IAM artifacts",
  buckets: "S3 buckets",
  root_handover: "Hand root access to the customer",
  leave_org: "Leave the organization",
  accept_invitation: "Accept the new organization's invitation",
  lock_role: "Hand back the cross-account role",
};
