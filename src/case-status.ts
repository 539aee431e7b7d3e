import { InvalidTransitionError } from "./errors";

/** Where a case stands. The order of the handoff, with `cancelled` and `failed` as the ways out. */
export type CaseStatus =
  | "collecting"
  | "planning"
  | "awaiting_signoff"
  | "approved"
  | "scheduled"
  | "executing"
  | "completed"
  | "failed"
  | "cancelled";

/**
 * The state machine, as a table: from each status, the statuses it may move to.
 * `planning → collecting` is an account the organization does not know (the question is asked again);
 * `awaiting_signoff → collecting|planning` is an edit or a re-plan, which voids the sign-offs;
 * `failed → executing` is a retry of the accounts that failed.
 */
export const caseTransitions: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  collecting: ["planning", "cancelled"],
  planning: ["awaiting_signoff", "collecting", "cancelled"],
  awaiting_signoff: ["approved", "collecting", "planning", "cancelled"],
  approved: ["scheduled", "executing", "collecting", "planning", "cancelled"],
  scheduled: ["executing", "collecting", "planning", "cancelled"],
  executing: ["completed", "failed"],
  completed: [],
  failed: ["executing"],
  cancelled: [],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return caseTransitions[from].includes(to);
}

/** Returns `to`, or throws InvalidTransitionError: a disallowed move is never a silent no-op. */
export function assertTransition(from: CaseStatus, to: CaseStatus, caseId?: string): CaseStatus {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to, caseId);
  return to;
}

/** Statuses in which the ticket may still be edited (and the case cancelled). */
export const editableStatuses: readonly CaseStatus[] = [
  "collecting",
  "planning",
  "awaiting_signoff",
  "approved",
  "scheduled",
];

export const finishedStatuses: readonly CaseStatus[] = ["completed", "cancelled"];
