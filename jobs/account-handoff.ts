import { AwsError, HandoffPreconditionError } from "../src/aws/aws-errors";
import type { AwsOperations } from "../src/aws/aws-operations";
import { readHandoffAnswers, type HandoffAnswers } from "../src/aws/handoff-answers";
import { lifecycleTagWord } from "../src/aws/planner";
import { assessReadiness, leavesBeforeJoining, namedInvitation } from "../src/aws/readiness";
import { codeInstructions, rootAccessReady, type RootAccess } from "../src/aws/root-access";
import type { AccountProgress, Case, StepState } from "../src/case";
import { NotFoundError, OffboardError } from "../src/errors";
import type { HandoffEvents } from "../src/handoff-events";
import {
  describeBlockers,
  handoffSteps,
  type AccountPlan,
  type AccountReadiness,
  type ExitCheck,
  type ExitCheckItem,
  type HandoffStep,
  type PlanHeader,
} from "../src/plan";
import type { CaseStore } from "../src/ports";
import { bucketItems, iamItems } from "../src/step-count";

export interface AccountHandoffDeps {
  aws: AwsOperations;
  /** The passwordless root handover; without it a passwordless account fails with what to configure. */
  rootAccess?: RootAccess;
  cases: CaseStore;
  events: HandoffEvents;
}

/** How one pass over an account's steps ended. */
export type AccountHandoffOutcome =
  /** Every step is done or skipped. */
  | { kind: "finished" }
  /**
   * The customer has not done their part of `step` yet (left the organization, given the code AWS
   * mailed to the new root e-mail): look again later.
   */
  | { kind: "waiting_for_customer"; step: HandoffStep }
  /** Not ready when it was due: left out of this run, nothing changed (see `events.accountLeftOut`). */
  | { kind: "left_out"; readiness: AccountReadiness };

/**
 * A step failed for a reason someone must act on (a payment method, a missing invitation, a refusal).
 * Already reported through `events.stepChanged(…, "failed", reason)`; the job stops without retrying.
 */
export class AccountStepFailed extends OffboardError {
  constructor(
    readonly accountId: string,
    readonly step: HandoffStep,
    reason: string,
  ) {
    super("aws_failure", reason);
  }
}

const finishedStates: readonly StepState[] = ["done", "skipped"];

/**
 * One account's handoff, step by step in `handoffSteps` order, resuming where it stopped: a step the
 * case records as done (or skipped) is never run again, so no state-changing AWS call is repeated for
 * it. A step interrupted half-way runs again from its start, which is safe because every AWS change is
 * idempotent (deleting something already gone is "already done").
 *
 * Retryable failures (throttling that outlasted the backoff, AWS unavailable) are rethrown for the job
 * to retry; on the last attempt they are reported as failed first. Anything else is reported as failed
 * and thrown as AccountStepFailed.
 */
export async function runAccountHandoff(
  deps: AccountHandoffDeps,
  caseId: string,
  accountId: string,
  options: { lastAttempt: boolean },
): Promise<AccountHandoffOutcome> {
  const current = await deps.cases.get(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} no longer exists`);
  // The case document and this account's own state: never the other accounts' plans.
  const plan = current.plan;
  const account = current.accounts.includes(accountId)
    ? (await deps.cases.accounts(caseId, [accountId]))[accountId]
    : undefined;
  const accountPlan = account?.plan;
  if (!plan || !accountPlan)
    throw new NotFoundError(`case ${caseId} has no plan for account ${accountId}: run the preflight again`);
  const answers = readHandoffAnswers(current.ticket.answers);
  const progress = account.progress;
  const steps = progress?.steps ?? {};
  const milestones = progress?.milestones ?? {};
  const ctx: StepContext = {
    caseId,
    accountId,
    plan,
    accountPlan,
    answers,
    firstVisit: true,
    milestones,
    progress,
    credentials: current,
  };

  // Right before the account runs: is it (still) ready? Once it has left, the rest must run whatever happens.
  if (steps.leave_org !== "done") {
    const readiness = await recheckReadiness(deps, ctx);
    if (readiness.state === "blocked") {
      await deps.events.accountLeftOut?.(caseId, accountId, readiness);
      return { kind: "left_out", readiness };
    }
  }

  // A failure after leaving does not stop the steps that close the partner's door; the account fails at the end.
  let deferred: AccountStepFailed | undefined;
  for (const step of handoffSteps) {
    const state = steps[step];
    if (state && finishedStates.includes(state)) continue;
    if (!applies(step, answers, accountPlan)) {
      await deps.events.stepChanged(caseId, accountId, step, "skipped");
      continue;
    }
    if (state !== "running") await deps.events.stepChanged(caseId, accountId, step, "running");
    try {
      ctx.firstVisit = state !== "running";
      const result = await performStep(deps, ctx, step);
      if (result === "waiting_for_customer") return { kind: "waiting_for_customer", step };
    } catch (error) {
      // Not an AWS verdict (a bug, a dropped connection): worth another attempt, like throttling.
      const retryable = !(error instanceof OffboardError) || (error instanceof AwsError && error.retryable);
      if (retryable && !options.lastAttempt) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      await deps.events.stepChanged(caseId, accountId, step, "failed", reason);
      const failed = new AccountStepFailed(accountId, step, reason);
      if (step !== "accept_invitation") throw failed;
      deferred = failed;
      await deps.events.actionNeeded?.(
        caseId,
        accountId,
        step,
        acceptYourselfInstructions(accountId, answers.newOrganization ?? "the new organization"),
      );
      continue;
    }
    await deps.events.stepChanged(caseId, accountId, step, "done");
  }
  if (deferred) throw deferred;
  return { kind: "finished" };
}

/**
 * The account's readiness now, from AWS: membership and waiting period (`DescribeAccount`), delegated
 * administration (`ListDelegatedAdministrators`), the named organization's invitation, and the plan's root-access
 * prerequisites.
 */
async function recheckReadiness(deps: AccountHandoffDeps, ctx: StepContext): Promise<AccountReadiness> {
  const { aws } = deps;
  const { accountId, answers } = ctx;
  const wantsInvitation = answers.destination === "organization" && !leavesBeforeJoining(answers);
  const [member, admins, invitations] = await Promise.all([
    aws.describeMember(accountId),
    aws.delegatedAdministrators(),
    wantsInvitation ? aws.listInvitations(accountId) : Promise.resolve([]),
  ]);
  // Out of the partner's organization already (the customer left, or a removal went through just before a crash):
  // nothing is left to gate, and the steps that close the partner's door must run.
  if (!member) return { state: "ready", blockers: [], checkedAt: new Date().toISOString() };
  const rootBlocker = ctx.accountPlan.readiness?.blockers.find((b) => b.code === "root_access");
  const deposited = ["deposited", "link_sent", "retrieved"].includes(
    ctx.credentials.credentials?.[accountId]?.state ?? "",
  );
  return assessReadiness({
    accountId,
    organizationId: ctx.plan.organizationId,
    member,
    delegatedServices: admins.find((a) => a.accountId === accountId)?.services ?? [],
    invitations,
    crossAccountRoleFound: ctx.accountPlan.artifacts.some((a) => a.kind === "cross_account_role"),
    rootAccessMissing: rootBlocker && !deposited ? { reason: rootBlocker.reason, fix: rootBlocker.fix } : undefined,
    answers,
    now: new Date(),
  });
}

/** What the customer does when accepting the invitation failed after the account left (the partner is locked out). */
export function acceptYourselfInstructions(accountId: string, organizationId: string): string {
  return (
    `account ${accountId} has left the partner's organization, and the partner's role is locked whatever happens next; ` +
    `joining ${organizationId} is now yours: sign in to ${accountId} (root or an administrator), open https://console.aws.amazon.com/organizations/v2/home/invitations and accept the invitation from ${organizationId} ` +
    `(or, with the account's own credentials: \`aws organizations list-handshakes-for-account\`, then \`aws organizations accept-handshake --handshake-id <h-…>\`). ` +
    `If there is none or it expired, ${organizationId} sends a new one first (invitations last 15 days)`
  );
}

/**
 * Whether a step has work to do for this account: accepting an invitation only when joining another
 * organization; the root handover only where the plan chose the passwordless path (the credential link
 * is the partner's deposit, outside the run).
 */
function applies(step: HandoffStep, answers: HandoffAnswers, accountPlan: AccountPlan): boolean {
  if (step === "accept_invitation") return answers.destination === "organization";
  // The credential-link path moves the root e-mail too when the plan can verify it (trusted access, an address).
  if (step === "root_handover") return accountPlan.rootHandover === "passwordless" || needsEmailMove(accountPlan);
  return true;
}

function needsEmailMove(accountPlan: AccountPlan): boolean {
  return accountPlan.rootEmail?.check === "verify" && Boolean(accountPlan.rootEmail.expected);
}

interface StepContext {
  caseId: string;
  accountId: string;
  /** The plan's header (organization, who removes accounts); the account's own plan is `accountPlan`. */
  plan: PlanHeader;
  accountPlan: AccountPlan;
  answers: HandoffAnswers;
  /** False when the step was already running (a poll, a retry after a crash). */
  firstVisit: boolean;
  /** Milestones this account reached inside its steps (`AccountProgress.milestones`). */
  milestones: Record<string, string>;
  /** The account's progress as the case holds it (its exit check reading, the partner's confirmations). */
  progress?: AccountProgress;
  /** The case, for its credential records. */
  credentials: Pick<Case, "credentials">;
  /** The exit check's reading taken before the lock in this pass. */
  exitReading?: ExitCheck;
}

async function performStep(
  deps: AccountHandoffDeps,
  ctx: StepContext,
  step: HandoffStep,
): Promise<"done" | "waiting_for_customer"> {
  const { aws } = deps;
  const { accountId, accountPlan } = ctx;
  switch (step) {
    case "revoke_iam": {
      // "keep" stays as it is; "lock" is the last step of all.
      const items = iamItems(accountPlan);
      for (const [index, artifact] of items.entries()) {
        if (artifact.action === "delete") await aws.deleteArtifact(accountId, artifact);
        else if (artifact.action === "untag") await aws.untagArtifact(accountId, artifact, lifecycleTagWord);
        else await aws.removePartnerTrust(accountId, artifact);
        await counted(deps, ctx, step, index + 1, items.length);
      }
      return "done";
    }
    case "buckets": {
      // A kept bucket is left as it is.
      const items = bucketItems(accountPlan);
      for (const [index, bucket] of items.entries()) {
        await aws.applyBucketDisposition(accountId, bucket.name, bucket.disposition);
        await counted(deps, ctx, step, index + 1, items.length);
      }
      return "done";
    }
    case "leave_org":
      // The point of no return: prove again, right before it, what must hold for the account to leave.
      if (await aws.isMember(accountId)) await proveReadyToLeave(deps, ctx);
      if (ctx.plan.removalBy === "partner") {
        // Resuming after a crash, look first: the removal may have gone through just before it.
        if (!ctx.firstVisit && !(await aws.isMember(accountId))) return "done";
        await aws.removeAccount(accountId);
        return "done";
      }
      if (!(await aws.isMember(accountId))) return "done";
      if (ctx.firstVisit)
        await deps.events.actionNeeded?.(
          ctx.caseId,
          accountId,
          step,
          leaveInstructions(accountId, ctx.plan.organizationId),
        );
      return "waiting_for_customer";
    case "root_handover":
      return handOverRoot(deps, ctx);
    case "accept_invitation":
      await acceptNewOrganization(deps, ctx);
      return "done";
    case "lock_role":
      await readBeforeLock(deps, ctx);
      await aws.lockCrossAccountRole(accountId);
      return "done";
    case "exit_check":
      await checkExit(deps, ctx);
      return "done";
  }
}

/**
 * Reports how far a step has got through its items. Every item is dealt with idempotently (what is already done is
 * `already_done`), so a resumed step counts from the first item again and quickly reaches where it stopped.
 */
async function counted(
  deps: AccountHandoffDeps,
  ctx: StepContext,
  step: HandoffStep,
  done: number,
  total: number,
): Promise<void> {
  await deps.events.stepCounted?.(ctx.caseId, ctx.accountId, { step, done, total });
}

/**
 * Right before `RemoveAccountFromOrganization`: the readiness again (waiting period, delegated administration, the
 * named organization's invitation, root access), and the root e-mail proven the customer's where the plan can read
 * it. Throws what is wrong; nothing has left yet, so a retry after the fix is safe.
 */
async function proveReadyToLeave(deps: AccountHandoffDeps, ctx: StepContext): Promise<void> {
  const { accountId } = ctx;
  const readiness = await recheckReadiness(deps, ctx);
  if (readiness.state === "blocked")
    throw new HandoffPreconditionError(
      accountId,
      `account ${accountId} did not leave: ${describeBlockers(readiness.blockers)}`,
    );
  const expected = ctx.accountPlan.rootEmail?.check === "verify" ? ctx.accountPlan.rootEmail.expected : undefined;
  if (!expected) return;
  if (!deps.rootAccess)
    throw new HandoffPreconditionError(
      accountId,
      `account ${accountId} did not leave: its root e-mail cannot be read on this worker (AWS Account Management is not configured), so it is not proven to be ${expected}`,
    );
  const now = await deps.rootAccess.primaryEmail(accountId);
  if (!sameAddress(now, expected))
    throw new HandoffPreconditionError(
      accountId,
      `account ${accountId} did not leave: its root e-mail is ${now}, not the customer's ${expected}. Fix: retry ${accountId} to move it (AWS mails a code to ${expected})`,
    );
  if (!ctx.milestones[exitMilestones.rootEmailVerified]) {
    ctx.milestones[exitMilestones.rootEmailVerified] = new Date().toISOString();
    await deps.events.stepProgress?.(ctx.caseId, accountId, "leave_org", exitMilestones.rootEmailVerified, {
      email: expected,
    });
  }
}

/**
 * The exit check's first half, while the partner can still read the account: partner IAM left over, roles trusting
 * a partner account, the organization it is in now. Stored before the role is locked, so a resumed run finds it.
 */
async function readBeforeLock(deps: AccountHandoffDeps, ctx: StepContext): Promise<void> {
  const stored = ctx.progress?.exitCheck;
  if (stored) {
    ctx.exitReading = stored;
    return;
  }
  const state = await deps.aws.readExitState(ctx.accountId);
  // What the plan keeps (as the ticket says, or protected by AWS) stays; anything else of the partner's is a leftover.
  const kept = new Set(ctx.accountPlan.artifacts.filter((p) => p.action !== "delete").map((p) => p.arn));
  const leftovers = state.partnerArtifacts.filter((a) => !a.protectedBy && !kept.has(a.arn));
  const items: ExitCheckItem[] = [
    {
      check: "partner_iam",
      ok: leftovers.length === 0,
      detail: leftovers.length
        ? `partner IAM still there: ${leftovers.map((a) => `${a.kind.replace(/_/g, " ")} ${a.name}`).join(", ")}`
        : "no partner user, role, group, policy, provider or credential left (kept items as the ticket says)",
    },
    {
      check: "partner_trust",
      ok: state.rolesTrustingPartner.length === 0,
      detail: state.rolesTrustingPartner.length
        ? `roles still trusting the partner: ${state.rolesTrustingPartner.join(", ")}`
        : "no role trusts the partner's accounts or providers (the cross-account role is locked next)",
    },
    organizationItem(ctx, state.organizationId),
  ];
  const reading: ExitCheck = {
    stage: "before_lock",
    ok: items.every((i) => i.ok !== false),
    checkedAt: new Date().toISOString(),
    items,
  };
  ctx.exitReading = reading;
  await deps.events.exitChecked?.(ctx.caseId, ctx.accountId, reading);
}

/** Is the account where the ticket sends it: in the named organization, or standalone by decision. */
function organizationItem(ctx: StepContext, organizationId: string | undefined): ExitCheckItem {
  const { answers } = ctx;
  const target = answers.newOrganization;
  const where = organizationId ? `in ${organizationId}` : "standalone";
  if (organizationId === ctx.plan.organizationId)
    return { check: "organization", ok: false, detail: `still in the partner's organization ${organizationId}` };
  if (answers.destination === "standalone")
    return { check: "organization", ok: !organizationId, detail: `${where} (the ticket: standalone)` };
  if (organizationId === target) return { check: "organization", ok: true, detail: `in ${target}, as the ticket says` };
  if (!organizationId && leavesBeforeJoining(answers))
    return {
      check: "organization",
      ok: true,
      detail: `standalone by the signed decision to leave now and join ${target} later`,
    };
  return { check: "organization", ok: false, detail: `${where}, not in ${target} as the ticket says` };
}

/**
 * Proof of exit, after the account's last step: the reading taken before the lock, a fresh AssumeRole of the
 * partner refused, the account out of the partner's organization, and the root e-mail the customer's. A failed
 * check fails the account, visibly.
 */
async function checkExit(deps: AccountHandoffDeps, ctx: StepContext): Promise<void> {
  const { aws } = deps;
  const { accountId } = ctx;
  const before = ctx.exitReading ?? ctx.progress?.exitCheck;
  const [canEnter, member] = await Promise.all([aws.partnerCanEnter(accountId), aws.describeMember(accountId)]);
  // From the reading before the lock (or an earlier check, on a retry): what only the inside of the account shows.
  const items: ExitCheckItem[] = (before?.items ?? []).filter(
    (i) => i.check === "partner_iam" || i.check === "partner_trust",
  );
  if (!before)
    items.push({
      check: "partner_iam",
      ok: false,
      detail:
        "the account was not read before the partner's role was locked: the customer checks IAM for partner items",
    });
  items.push({
    check: "role_locked",
    ok: !canEnter,
    detail: canEnter
      ? `the partner's management account can still assume ${ctx.accountPlan.artifacts.find((a) => a.kind === "cross_account_role")?.name ?? "the cross-account role"}`
      : "the partner's management account can no longer assume the cross-account role (a fresh AssumeRole is refused)",
  });
  items.push(rootEmailItem(ctx));
  const joined = ctx.milestones[exitMilestones.invitationAccepted] ? ctx.answers.newOrganization : undefined;
  const orgBefore = before?.items.find((i) => i.check === "organization");
  items.push(
    member
      ? {
          check: "organization",
          ok: false,
          detail: `still a member of the partner's organization ${ctx.plan.organizationId}`,
        }
      : joined
        ? { check: "organization", ok: true, detail: `out of ${ctx.plan.organizationId}; joined ${joined}` }
        : (orgBefore ?? { check: "organization", ok: true, detail: `out of ${ctx.plan.organizationId}` }),
  );
  const check: ExitCheck = {
    stage: "final",
    ok: items.every((i) => i.ok !== false),
    checkedAt: new Date().toISOString(),
    items,
  };
  await deps.events.exitChecked?.(ctx.caseId, accountId, check);
  if (!check.ok)
    throw new HandoffPreconditionError(
      accountId,
      `the exit check of ${accountId} failed: ${items
        .filter((i) => i.ok === false)
        .map((i) => i.detail)
        .join("; ")}`,
    );
}

function rootEmailItem(ctx: StepContext): ExitCheckItem {
  const plan = ctx.accountPlan.rootEmail;
  const email = ctx.accountPlan.newRootEmail ?? plan?.expected;
  const proven =
    ctx.milestones[exitMilestones.rootEmailVerified] ?? ctx.milestones[rootMilestones.emailChanged] ?? undefined;
  if (email && proven)
    return { check: "root_email", ok: true, detail: `the root e-mail was ${email}, the customer's, before leaving` };
  const confirmed = ctx.progress?.rootEmailConfirmed;
  if (confirmed)
    return {
      check: "root_email",
      ok: true,
      detail: `the partner (${confirmed.by}) confirmed at ${confirmed.at} that the root e-mail is the customer's`,
    };
  return {
    check: "root_email",
    ok: "unverified",
    detail: `not verified: ${plan?.note ?? "the plan does not say how the root e-mail becomes the customer's"}`,
  };
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Milestones outside the root handover. */
export const exitMilestones = {
  /** Right before leaving: GetPrimaryEmail showed the customer's address. */
  rootEmailVerified: "root_email_verified",
  invitationAccepted: "invitation_accepted",
} as const;

/** Milestones of the root handover, in the order it reaches them. */
export const rootMilestones = {
  updateStarted: "root_email_update_started",
  emailChanged: "root_email_changed",
  credentialsDeleted: "root_credentials_deleted",
  recoveryAllowed: "root_password_recovery_allowed",
} as const;

/**
 * The passwordless root handover, resumable from AWS's state and the milestones: (1) the root e-mail
 * moves to the customer's address (AWS mails a code there; the run waits until a customer approver has
 * given it, see `code` in the conversation); (2) a root session deletes the partner's root password,
 * keys and certificates and deactivates its MFA; (3) another opens password recovery. A milestone once
 * reached is not redone: repeating (2) after (3) would delete the recovery login profile, or the
 * password the customer has set since.
 */
async function handOverRoot(deps: AccountHandoffDeps, ctx: StepContext): Promise<"done" | "waiting_for_customer"> {
  const { caseId, accountId } = ctx;
  const root = deps.rootAccess;
  if (!root)
    throw new HandoffPreconditionError(
      accountId,
      `the passwordless root handover is not configured on this worker: hand ${accountId} over through a one-time credential link (\`credentials ${accountId}\`)`,
    );
  const email =
    ctx.accountPlan.newRootEmail ?? ctx.accountPlan.rootEmail?.expected ?? ctx.answers.rootEmails?.[accountId];
  if (!email)
    throw new HandoffPreconditionError(
      accountId,
      `the plan has no new root e-mail for ${accountId}: \`edit rootEmails\`, or hand it over through a one-time credential link (\`credentials ${accountId}\`)`,
    );
  const reached = async (milestone: string, detail: Record<string, unknown>) => {
    ctx.milestones[milestone] = new Date().toISOString();
    await deps.events.stepProgress?.(caseId, accountId, "root_handover", milestone, detail);
  };

  if (!ctx.milestones[rootMilestones.emailChanged]) {
    const current = await root.primaryEmail(accountId);
    if (current.trim().toLowerCase() !== email.trim().toLowerCase()) {
      if (ctx.firstVisit) {
        await root.startPrimaryEmailUpdate(accountId, email);
        await reached(rootMilestones.updateStarted, { email });
        await deps.events.actionNeeded?.(caseId, accountId, "root_handover", codeInstructions(accountId, email));
      }
      return "waiting_for_customer";
    }
    await reached(rootMilestones.emailChanged, { email });
  }
  // The credential-link path: the partner hands over the credentials; only the e-mail moves here.
  if (ctx.accountPlan.rootHandover !== "passwordless") return "done";
  if (!ctx.milestones[rootMilestones.credentialsDeleted]) {
    const removed = await root.deleteRootCredentials(accountId);
    await reached(rootMilestones.credentialsDeleted, { ...removed });
  }
  if (!ctx.milestones[rootMilestones.recoveryAllowed]) {
    const outcome = await root.allowPasswordRecovery(accountId);
    await reached(rootMilestones.recoveryAllowed, { outcome });
    await deps.events.actionNeeded?.(caseId, accountId, "root_handover", rootAccessReady(accountId, email));
  }
  return "done";
}

/**
 * Accepts the invitation from the new organization, now that the account has left (an account in an
 * organization cannot accept). An invitation that arrived after the preflight counts too; the planned
 * one is checked last because it may have been accepted by an earlier, interrupted pass.
 */
async function acceptNewOrganization(deps: AccountHandoffDeps, ctx: StepContext): Promise<void> {
  const { aws } = deps;
  const target = ctx.answers.newOrganization;
  if (!target)
    throw new HandoffPreconditionError(ctx.accountId, "the ticket names no new organization (`edit newOrganization`)");
  const accepted = async (handshakeId: string) => {
    await aws.acceptInvitation(ctx.accountId, handshakeId);
    ctx.milestones[exitMilestones.invitationAccepted] = new Date().toISOString();
    await deps.events.stepProgress?.(
      ctx.caseId,
      ctx.accountId,
      "accept_invitation",
      exitMilestones.invitationAccepted,
      {
        organizationId: target,
        handshakeId,
      },
    );
  };
  // Only the named organization's invitation, never another's.
  const fresh = namedInvitation(await aws.listInvitations(ctx.accountId), target, new Date());
  if (fresh) return accepted(fresh.handshakeId);
  if (ctx.accountPlan.invitation?.organizationId === target) return accepted(ctx.accountPlan.invitation.handshakeId);
  if (leavesBeforeJoining(ctx.answers)) {
    await deps.events.actionNeeded?.(
      ctx.caseId,
      ctx.accountId,
      "accept_invitation",
      acceptYourselfInstructions(ctx.accountId, target),
    );
    return;
  }
  throw new HandoffPreconditionError(
    ctx.accountId,
    `account ${ctx.accountId} has left the partner's organization but has no open invitation from ${target}: ask it to send one (invitations expire after 15 days)`,
  );
}

export function leaveInstructions(accountId: string, organizationId: string): string {
  return (
    `Account ${accountId} is ready to leave ${organizationId}. Sign in to it as root (or as an IAM user allowed organizations:LeaveOrganization), ` +
    `open https://console.aws.amazon.com/organizations/ and choose "Leave organization". Offboard notices by itself once it has left and carries on.`
  );
}

/**
 * Whether every account of the plan has finished: all steps done or skipped, one failed, or left out. `progress`: the
 * accounts' progress by id.
 */
export function runHasFinished(value: Case, progress: Record<string, AccountProgress>): boolean {
  const blocked = new Set(value.plan?.blocked ?? []);
  if (!value.plan) return true;
  return value.accounts.every((accountId) => {
    const account = progress[accountId];
    // Left out (not ready): it does not run until retried.
    if (account?.leftOut || (!account && blocked.has(accountId))) return true;
    const steps = account?.steps ?? {};
    const states = handoffSteps.map((s) => steps[s]);
    return states.includes("failed") || states.every((s) => s !== undefined && finishedStates.includes(s));
  });
}
