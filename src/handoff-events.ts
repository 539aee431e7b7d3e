import type { AccountReadiness, ExitCheck, HandoffStep, Plan } from "./plan";
import type { StepState } from "./case";
import type { StepCount } from "./step-count";

/** A ticket account the organization does not know, or cannot take: sends the ticket back to the question. */
export interface AccountRejection {
  accountId: string;
  reason: string;
}

export type ReminderKind = "missing_signoffs" | "invitations" | "accounts_payable";

/**
 * What the queued work reports back to the core. The core's workflow implements it (updates the
 * case, the audit trail and the live messages); jobs/ calls it.
 */
export interface HandoffEvents {
  planReady(caseId: string, plan: Plan): Promise<void>;
  planRejected(caseId: string, rejections: AccountRejection[]): Promise<void>;
  /** Called as each step of each account moves; `error` is the plain-language reason of a failure. */
  stepChanged(caseId: string, accountId: string, step: HandoffStep, state: StepState, error?: string): Promise<void>;
  /**
   * How far a step has got through its items (the IAM step's artifacts, the bucket step's buckets), after each item:
   * shown live in the progress message. Must not fail the step (a count that is not shown is only a picture lost).
   * Optional: without it the progress shows the step alone.
   */
  stepCounted?(caseId: string, accountId: string, count: StepCount): Promise<void>;
  /** Every account has finished (done or failed). */
  runFinished(caseId: string): Promise<void>;
  remind(caseId: string, kind: ReminderKind): Promise<void>;
  /**
   * The run waits for a person: e.g. the customer must leave the organization from the account
   * (removal by the customer). `instructions` say what to do, in plain words; the run resumes by itself
   * once AWS shows it done. Optional: without it the step simply shows as running.
   */
  actionNeeded?(caseId: string, accountId: string, step: HandoffStep, instructions: string): Promise<void>;
  /**
   * A milestone inside a step (the root e-mail changed, the partner's root credentials deleted, …), for the
   * audit trail and so that the step, resumed, skips what it already did (`AccountProgress.milestones`).
   * `detail` is audited with it and is never a secret. Optional: without it a resumed step starts over.
   */
  stepProgress?(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    milestone: string,
    detail?: Record<string, unknown>,
  ): Promise<void>;
  /**
   * The account was not ready when it was due to run (re-checked right before it): it is left out of this run with
   * its blockers, and runs later with `retry <account>` or after `plan refresh`. Nothing was changed in AWS.
   */
  accountLeftOut?(caseId: string, accountId: string, readiness: AccountReadiness): Promise<void>;
  /** The exit check of an account (its reading before the lock, then the final proof), stored in the case. */
  exitChecked?(caseId: string, accountId: string, check: ExitCheck): Promise<void>;
}
