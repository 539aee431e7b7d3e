import { AwsError, HandoffPreconditionError } from "../src/aws/aws-errors";
import type { AwsOperations } from "../src/aws/aws-operations";
import { readHandoffAnswers, type HandoffAnswers } from "../src/aws/handoff-answers";
import { lifecycleTagWord } from "../src/aws/planner";
import { codeInstructions, rootAccessReady, type RootAccess } from "../src/aws/root-access";
import type { Case, StepState } from "../src/case";
import { NotFoundError, OffboardError } from "../src/errors";
import type { HandoffEvents } from "../src/handoff-events";
import { handoffSteps, type AccountPlan, type HandoffStep, type Plan } from "../src/plan";
import type { CaseStore } from "../src/ports";

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
  | { kind: "waiting_for_customer"; step: HandoffStep };

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
  const plan = current.plan;
  const accountPlan = plan?.accounts.find((a) => a.accountId === accountId);
  if (!plan || !accountPlan)
    throw new NotFoundError(`case ${caseId} has no plan for account ${accountId}: run the preflight again`);
  const answers = readHandoffAnswers(current.ticket.answers);
  const steps = current.execution?.accounts[accountId]?.steps ?? {};
  const milestones = current.execution?.accounts[accountId]?.milestones ?? {};

  for (const step of handoffSteps) {
    const state = steps[step];
    if (state && finishedStates.includes(state)) continue;
    if (!applies(step, answers, accountPlan)) {
      await deps.events.stepChanged(caseId, accountId, step, "skipped");
      continue;
    }
    if (state !== "running") await deps.events.stepChanged(caseId, accountId, step, "running");
    try {
      const result = await performStep(
        deps,
        { caseId, accountId, plan, accountPlan, answers, firstVisit: state !== "running", milestones },
        step,
      );
      if (result === "waiting_for_customer") return { kind: "waiting_for_customer", step };
    } catch (error) {
      // Not an AWS verdict (a bug, a dropped connection): worth another attempt, like throttling.
      const retryable = !(error instanceof OffboardError) || (error instanceof AwsError && error.retryable);
      if (retryable && !options.lastAttempt) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      await deps.events.stepChanged(caseId, accountId, step, "failed", reason);
      throw new AccountStepFailed(accountId, step, reason);
    }
    await deps.events.stepChanged(caseId, accountId, step, "done");
  }
  return { kind: "finished" };
}

/**
 * Whether a step has work to do for this account: accepting an invitation only when joining another
 * organization; the root handover only where the plan chose the passwordless path (the credential link
 * is the partner's deposit, outside the run).
 */
function applies(step: HandoffStep, answers: HandoffAnswers, accountPlan: AccountPlan): boolean {
  if (step === "accept_invitation") return answers.destination === "organization";
  if (step === "root_handover") return accountPlan.rootHandover === "passwordless";
  return true;
}

interface StepContext {
  caseId: string;
  accountId: string;
  plan: Plan;
  accountPlan: AccountPlan;
  answers: HandoffAnswers;
  /** False when the step was already running (a poll, a retry after a crash). */
  firstVisit: boolean;
  /** Milestones this account reached inside its steps (`AccountProgress.milestones`). */
  milestones: Record<string, string>;
}

async function performStep(
  deps: AccountHandoffDeps,
  ctx: StepContext,
  step: HandoffStep,
): Promise<"done" | "waiting_for_customer"> {
  const { aws } = deps;
  const { accountId, accountPlan } = ctx;
  switch (step) {
    case "revoke_iam":
      for (const artifact of accountPlan.artifacts) {
        if (artifact.action === "delete") await aws.deleteArtifact(accountId, artifact);
        else if (artifact.action === "untag") await aws.untagArtifact(accountId, artifact, lifecycleTagWord);
        else if (artifact.action === "untrust") await aws.removePartnerTrust(accountId, artifact);
        // "keep" stays as it is; "lock" is the last step of all.
      }
      return "done";
    case "buckets":
      for (const bucket of accountPlan.buckets)
        await aws.applyBucketDisposition(accountId, bucket.name, bucket.disposition);
      return "done";
    case "leave_org":
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
      await acceptNewOrganization(aws, ctx);
      return "done";
    case "lock_role":
      await aws.lockCrossAccountRole(accountId);
      return "done";
  }
}

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
  const email = ctx.accountPlan.newRootEmail ?? ctx.answers.rootEmails?.[accountId];
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
async function acceptNewOrganization(aws: AwsOperations, ctx: StepContext): Promise<void> {
  const target = ctx.answers.newOrganization;
  const open = await aws.listInvitations(ctx.accountId);
  const fresh = open.find((i) => !target || i.organizationId === target || i.managementAccountId === target);
  if (fresh) {
    await aws.acceptInvitation(ctx.accountId, fresh.handshakeId);
    return;
  }
  if (ctx.accountPlan.invitation) {
    await aws.acceptInvitation(ctx.accountId, ctx.accountPlan.invitation.handshakeId);
    return;
  }
  throw new HandoffPreconditionError(
    ctx.accountId,
    `account ${ctx.accountId} has left the partner's organization but has no open invitation from ${target ?? "the new organization"}: ask it to send one (invitations expire after 15 days), then retry this account`,
  );
}

export function leaveInstructions(accountId: string, organizationId: string): string {
  return (
    `Account ${accountId} is ready to leave ${organizationId}. Sign in to it as root (or as an IAM user allowed organizations:LeaveOrganization), ` +
    `open https://console.aws.amazon.com/organizations/ and choose "Leave organization". Offboard notices by itself once it has left and carries on.`
  );
}

/** Whether every account of the plan has finished: all steps done or skipped, or one failed. */
export function runHasFinished(value: Case): boolean {
  const accounts = value.plan?.accounts ?? [];
  return accounts.every((a) => {
    const steps = value.execution?.accounts[a.accountId]?.steps ?? {};
    const states = handoffSteps.map((s) => steps[s]);
    return states.includes("failed") || states.every((s) => s !== undefined && finishedStates.includes(s));
  });
}
