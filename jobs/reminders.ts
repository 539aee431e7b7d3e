import type { AwsOperations } from "../src/aws/aws-operations";
import { readHandoffAnswers } from "../src/aws/handoff-answers";
import type { CaseStatus } from "../src/case-status";
import type { HandoffEvents, ReminderKind } from "../src/handoff-events";
import type { CaseStore } from "../src/ports";

export interface ReminderDeps {
  aws: AwsOperations;
  cases: CaseStore;
  events: HandoffEvents;
}

/** Before these, sign-offs can still be missing. */
const signOffPending: readonly CaseStatus[] = ["collecting", "planning", "awaiting_signoff"];
/** After these, reminders have nothing left to remind of. */
const over: readonly CaseStatus[] = ["executing", "completed", "failed", "cancelled"];

/**
 * The reminders due `daysBefore` the target date (T-10, T-7, T-3): missing sign-offs; invitations from
 * the new organization that have not arrived (every reminder falls inside the 15-day window in which
 * an invitation stays valid, so asking now is never too early); and at T-3, accounts payable (usage is
 * payable to AWS from the moment an account leaves; expect prorated invoices).
 */
export async function dueReminders(deps: ReminderDeps, caseId: string, daysBefore: number): Promise<ReminderKind[]> {
  const current = await deps.cases.get(caseId);
  if (!current || over.includes(current.status)) return [];
  const due: ReminderKind[] = [];
  if (signOffPending.includes(current.status)) due.push("missing_signoffs");
  let answers;
  try {
    answers = readHandoffAnswers(current.ticket.answers);
  } catch {
    return due;
  }
  if (
    answers.destination === "organization" &&
    daysBefore <= 15 &&
    (await someInvitationMissing(deps.aws, answers.accountIds, answers.newOrganization))
  )
    due.push("invitations");
  if (daysBefore <= 3) due.push("accounts_payable");
  return due;
}

export async function sendReminders(deps: ReminderDeps, caseId: string, daysBefore: number): Promise<ReminderKind[]> {
  const due = await dueReminders(deps, caseId, daysBefore);
  for (const kind of due) await deps.events.remind(caseId, kind);
  return due;
}

async function someInvitationMissing(aws: AwsOperations, accountIds: string[], target?: string): Promise<boolean> {
  for (const id of accountIds) {
    const open = await aws.listInvitations(id);
    if (!open.some((i) => !target || i.organizationId === target || i.managementAccountId === target)) return true;
  }
  return false;
}
