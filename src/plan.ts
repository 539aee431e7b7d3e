import { canonicalJson, sha256Hex } from "./canonical";

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
  /**
   * Whether the account may run: decided by the preflight, shown first in the plan, covered by the sign-off
   * (it is part of the plan), and decided again right before the account runs and right before it leaves.
   * Absent in plans made before readiness existed: such an account is checked when it runs.
   */
  readiness?: AccountReadiness;
  /** Passwordless or not, what becomes of the account's root e-mail before it leaves (see RootEmailPlan). */
  rootEmail?: RootEmailPlan;
}

/** What stands in the way of an account leaving, each with its fix. */
export type BlockerCode =
  | "not_member"
  | "waiting_period"
  | "delegated_administrator"
  | "no_invitation"
  | "root_access"
  | "partner_access"
  | "leave_refused";

export interface ReadinessBlocker {
  code: BlockerCode;
  /** What is wrong, in plain words. */
  reason: string;
  /** What to do about it, and who does it. */
  fix: string;
}

export interface AccountReadiness {
  state: "ready" | "blocked";
  /** Empty when ready. */
  blockers: ReadinessBlocker[];
  checkedAt: string;
}

/**
 * The root e-mail before leaving: `verify` reads it (GetPrimaryEmail, trusted access for Account Management)
 * and moves it to `expected` with the customer's code when it differs; `partner_confirms` (no trusted access, or
 * no address in the ticket) leaves it to the partner, whose confirmation the case records.
 */
export interface RootEmailPlan {
  check: "verify" | "partner_confirms";
  /** The customer's address from the ticket, when it gives one. */
  expected?: string;
  /** The plan's line about it. */
  note: string;
}

/** One line of an exit check: what was proven about the account after its last step. */
export interface ExitCheckItem {
  check: "partner_iam" | "partner_trust" | "role_locked" | "root_email" | "organization";
  /**
   * `unverified`: Offboard could not read it (a credential-link root e-mail without trusted access and without the
   * partner's confirmation): shown with a warning, not counted as a failure.
   */
  ok: boolean | "unverified";
  /** What was found, in plain words. */
  detail: string;
}

/** Proof of exit: the account read again after its last step. A failed check is a failure of the account. */
export interface ExitCheck {
  /** `before_lock`: what was read from inside just before the partner's role was locked; `final`: the proof. */
  stage: "before_lock" | "final";
  ok: boolean;
  checkedAt: string;
  items: ExitCheckItem[];
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
  /** What the customer must know before the accounts leave (support plan, RI/Savings Plans sharing, invoices). */
  notes?: string[];
}

/**
 * What the case document keeps of a plan: everything but the accounts' own plans (stored per account, see
 * AccountState), their counts, and the fingerprint of the whole plan. A command reads this, never 2,000 account
 * plans; the plan message, the details and the export read the accounts too (`planOf`).
 */
export interface PlanHeader extends Omit<Plan, "accounts"> {
  /**
   * How many accounts the plan has. They are the case's accounts, in its order (Case.accounts: the planner plans
   * the ticket's account ids in order), so the header does not list them again.
   */
  accountCount: number;
  /** The accounts the preflight found blocked, by id: the run leaves them out until fixed. */
  blocked: string[];
  /** Partner artifacts the run deletes, all accounts together. */
  artifactsToDelete: number;
  /**
   * SHA-256 of the canonical full plan (header fields and every account's plan), computed when the plan is stored.
   * The sign-offs' hash covers it, so they bind to the exact plan though the case document does not carry it.
   */
  fingerprint: string;
}

/** SHA-256 (hex) of the canonical plan: the same plan always gives the same fingerprint. */
export function planFingerprint(plan: Plan): string {
  return sha256Hex(canonicalJson(plan));
}

/** What the plan's one line counts: its accounts, the blocked ones, the partner artifacts to delete. */
export type PlanCounts = Pick<PlanHeader, "accountCount" | "blocked" | "artifactsToDelete">;

export function planCountsOf(plan: Pick<Plan, "accounts">): PlanCounts {
  return {
    accountCount: plan.accounts.length,
    blocked: readinessSplit(plan).blocked.map((a) => a.accountId),
    artifactsToDelete: countArtifacts(plan, "delete"),
  };
}

/** The header the case document keeps of `plan`, its fingerprint computed now. */
export function planHeaderOf(plan: Plan): PlanHeader {
  const { accounts: _accounts, ...rest } = plan;
  return { ...rest, ...planCountsOf(plan), fingerprint: planFingerprint(plan) };
}

/** The full plan again, from its header and the accounts' plans read per account (in the case's order). */
export function planOf(header: PlanHeader, accounts: AccountPlan[]): Plan {
  const {
    accountCount: _count,
    blocked: _blocked,
    artifactsToDelete: _deleted,
    fingerprint: _fingerprint,
    ...rest
  } = header;
  return { ...rest, accounts };
}

/**
 * Whether the accounts' plans read back are exactly those the header's fingerprint was computed over: what the
 * sign-offs bound to is what is stored. Checked wherever the whole plan is read (plan message, export).
 */
export function planMatchesFingerprint(header: PlanHeader, accounts: AccountPlan[]): boolean {
  return planFingerprint(planOf(header, accounts)) === header.fingerprint;
}

/** The accounts of a plan that may run now, and those left out with their blockers. */
export function readinessSplit(plan: Pick<Plan, "accounts">): { ready: AccountPlan[]; blocked: AccountPlan[] } {
  const blocked = plan.accounts.filter((a) => a.readiness?.state === "blocked");
  return { ready: plan.accounts.filter((a) => a.readiness?.state !== "blocked"), blocked };
}

/** Of the plan's accounts (`accountIds`, the case's), those the preflight found ready (or did not judge). */
export function readyAccounts(header: Pick<PlanHeader, "blocked">, accountIds: readonly string[]): string[] {
  const blocked = new Set(header.blocked);
  return accountIds.filter((id) => !blocked.has(id));
}

/** "reason: fix" for each blocker, joined, for messages. */
export function describeBlockers(blockers: ReadinessBlocker[]): string {
  return blockers.map((b) => `${b.reason}. Fix: ${b.fix}`).join("; ");
}

export function countArtifacts(plan: Pick<Plan, "accounts">, action?: ArtifactAction): number {
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
  "exit_check",
] as const;
export type HandoffStep = (typeof handoffSteps)[number];

export const handoffStepLabel: Record<HandoffStep, string> = {
  revoke_iam: "Revoke partner IAM artifacts",
  buckets: "S3 buckets",
  root_handover: "Hand root access to the customer",
  leave_org: "Leave the organization",
  accept_invitation: "Accept the new organization's invitation",
  lock_role: "Hand back the cross-account role",
  exit_check: "Proof of exit",
};
