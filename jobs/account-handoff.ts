import { AwsError, HandoffPreconditionError } from "../src/aws/aws-errors";
import type { AwsOperations } from "../src/aws/aws-operations";
import { readHandoffAnswers, type HandoffAnswers } from "../src/aws/handoff-answers";
import { lifecycleTagWord } from "../src/aws/planner";
import type { Case, StepState } from "../src/case";
import { NotFoundError, OffboardError } from "../src/errors";
import type { HandoffEvents } from "../src/handoff-events";
import { handoffSteps, type AccountPlan, type HandoffStep, type Plan } from "../src/plan";
import type { CaseStore } from "../src/ports";

export interface AccountHandoffDeps {
  aws: AwsOperations;
  cases: CaseStore;
  events: HandoffEvents;
}

/** How one pass over an account's steps ended. */
export type AccountHandoffOutcome =
  /** Every step is done or skipped. */
  | { kind: "finished" }
  /** The customer has not left the organization yet: look again later. */
  | { kind: "waiting_for_customer" };

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
export async function runAccountHandoff(deps: AccountHandoffDeps, caseId: string, accountId: string, options: { lastAttempt: boolean }): Promise<AccountHandoffOutcome> {
  const current = await deps.cases.get(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} no longer exists`);
  const plan = current.plan;
  const accountPlan = plan?.accounts.find((a) => a.accountId === accountId);
  if (!plan || !accountPlan) throw new NotFoundError(`case ${caseId} has no plan for account ${accountId}: run the preflight again`);
  const answers = readHandoffAnswers(current.ticket.answers);
  const steps = current.execution?.accounts[accountId]?.steps ?? {};

  for (const step of handoffSteps) {
    const state = steps[step];
    if (state && finishedStates.includes(state)) continue;
    if (!applies(step, answers)) {
      await deps.events.stepChanged(caseId, accountId, step, "skipped");
      continue;
    }
    if (state !== "running") await deps.events.stepChanged(caseId, accountId, step, "running");
    try {
      const result = await performStep(deps, { caseId, accountId, plan, accountPlan, answers, firstVisit: state !== "running" }, step);
      if (result === "waiting_for_customer") return { kind: "waiting_for_customer" };
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

/** Whether a step has work to do for this ticket (accepting an invitation only when joining another organization). */
function applies(step: HandoffStep, answers: HandoffAnswers): boolean {
  return step !== "accept_invitation" || answers.destination === "organization";
}

interface StepContext {
  caseId: string;
  accountId: string;
  plan: Plan;
  accountPlan: AccountPlan;
  answers: HandoffAnswers;
  /** False when the step was already running (a poll, a retry after a crash). */
  firstVisit: boolean;
}

async function performStep(deps: AccountHandoffDeps, ctx: StepContext, step: HandoffStep): Promise<"done" | "waiting_for_customer"> {
  const { aws } = deps;
  const { accountId, accountPlan } = ctx;
  switch (step) {
    case "revoke_iam":
      for (const artifact of accountPlan.artifacts) {
        if (artifact.action === "delete") await aws.deleteArtifact(accountId, artifact);
        else if (artifact.action === "untag") await aws.untagArtifact(accountId, artifact, lifecycleTagWord);
        // "keep" stays as it is; "lock" is the last step of all.
      }
      return "done";
    case "buckets":
      for (const bucket of accountPlan.buckets) await aws.applyBucketDisposition(accountId, bucket.name, bucket.disposition);
      return "done";
    case "leave_org":
      if (ctx.plan.removalBy === "partner") {
        // Resuming after a crash, look first: the removal may have gone through just before it.
        if (!ctx.firstVisit && !(await aws.isMember(accountId))) return "done";
        await aws.removeAccount(accountId);
        return "done";
      }
      if (!(await aws.isMember(accountId))) return "done";
      if (ctx.firstVisit) await deps.events.actionNeeded?.(ctx.caseId, accountId, step, leaveInstructions(accountId, ctx.plan.organizationId));
      return "waiting_for_customer";
    case "accept_invitation":
      await acceptNewOrganization(aws, ctx);
      return "done";
    case "lock_role":
      await aws.lockCrossAccountRole(accountId);
      return "done";
  }
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
