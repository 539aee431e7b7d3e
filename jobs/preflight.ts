import { AwsError } from "../src/aws/aws-errors";
import type { AccountInspection, AwsOperations } from "../src/aws/aws-operations";
import { readHandoffAnswers } from "../src/aws/handoff-answers";
import { buildPlan, checkMembership } from "../src/aws/planner";
import type { Clock } from "../src/clock";
import { NotFoundError, OffboardError } from "../src/errors";
import type { AccountRejection, HandoffEvents } from "../src/handoff-events";
import type { CaseStore } from "../src/ports";

export interface PreflightDeps {
  aws: AwsOperations;
  cases: CaseStore;
  events: HandoffEvents;
  /** `OFFBOARD_PARTNER_MARKER`, to explain in the plan why an artifact was picked. */
  partnerMarker: string;
  clock: Clock;
  /** Accounts inspected at once; default 8. */
  inspectConcurrency?: number;
}

/**
 * Reads AWS for a case and reports the plan (`events.planReady`), or the ticket accounts the
 * organization cannot hand off (`events.planRejected`): unknown, not ACTIVE, the management account,
 * or not reachable through the cross-account role.
 *
 * A retryable AWS failure is thrown for the job to retry; on the last attempt, or for a failure someone
 * must fix, every account is rejected with the reason, so the case does not wait silently.
 */
export async function runPreflight(
  deps: PreflightDeps,
  caseId: string,
  options: { lastAttempt: boolean },
): Promise<"planned" | "rejected"> {
  const current = await deps.cases.get(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  const answers = readHandoffAnswers(current.ticket.answers);
  try {
    const [organization, members] = await Promise.all([deps.aws.describeOrganization(), deps.aws.listMemberAccounts()]);
    const rejections = checkMembership(answers.accountIds, members, organization);
    if (rejections.length > 0) {
      await deps.events.planRejected(caseId, rejections);
      return "rejected";
    }
    const [features, accountManagementTrusted, delegatedAdministrators] = await Promise.all([
      deps.aws.organizationFeatures(),
      deps.aws.accountManagementTrusted(),
      deps.aws.delegatedAdministrators(),
    ]);
    const { inspections, unreachable } = await inspectAll(deps, answers.accountIds);
    if (unreachable.length > 0) {
      await deps.events.planRejected(caseId, unreachable);
      return "rejected";
    }
    const plan = buildPlan({
      organization,
      features,
      accountManagementTrusted,
      members,
      inspections,
      answers,
      partnerMarker: deps.partnerMarker,
      version: (current.plan?.version ?? 0) + 1,
      now: deps.clock.now(),
      delegatedAdministrators,
      depositedCredentials: Object.values(current.credentials ?? {})
        .filter((c) => ["deposited", "link_sent", "retrieved"].includes(c.state))
        .map((c) => c.accountId),
    });
    await deps.events.planReady(caseId, plan);
    return "planned";
  } catch (error) {
    const retryable = !(error instanceof OffboardError) || (error instanceof AwsError && error.retryable);
    if (retryable && !options.lastAttempt) throw error;
    const reason = `the preflight could not read AWS: ${error instanceof Error ? error.message : String(error)}`;
    await deps.events.planRejected(
      caseId,
      answers.accountIds.map((accountId) => ({ accountId, reason })),
    );
    return "rejected";
  }
}

/** Inspects the accounts a few at a time; an account the partner cannot enter is a rejection, not a crash. */
async function inspectAll(
  deps: PreflightDeps,
  accountIds: string[],
): Promise<{ inspections: AccountInspection[]; unreachable: AccountRejection[] }> {
  const inspections: AccountInspection[] = [];
  const unreachable: AccountRejection[] = [];
  const queue = [...accountIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        inspections.push(await deps.aws.inspectAccount(id));
      } catch (error) {
        if (error instanceof AwsError && !error.retryable)
          unreachable.push({ accountId: id, reason: `the partner cannot inspect account ${id}: ${error.message}` });
        else throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.inspectConcurrency ?? 8, accountIds.length) }, worker));
  return { inspections, unreachable };
}
