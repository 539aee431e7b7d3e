import type { AccountProgress, StepState } from "../../src/case";
import type { AccountRejection, HandoffEvents, ReminderKind } from "../../src/handoff-events";
import { type AccountReadiness, type ExitCheck, type HandoffStep, type Plan } from "../../src/plan";
import { storePlan } from "../support/case-record";
import type { CaseStore } from "../../src/ports";

export type RecordedEvent =
  | { type: "planReady"; caseId: string; plan: Plan }
  | { type: "planRejected"; caseId: string; rejections: AccountRejection[] }
  | { type: "stepChanged"; caseId: string; accountId: string; step: HandoffStep; state: StepState; error?: string }
  | { type: "runFinished"; caseId: string }
  | { type: "remind"; caseId: string; kind: ReminderKind }
  | { type: "actionNeeded"; caseId: string; accountId: string; step: HandoffStep; instructions: string }
  | { type: "accountLeftOut"; caseId: string; accountId: string; readiness: AccountReadiness }
  | { type: "exitChecked"; caseId: string; accountId: string; check: ExitCheck };

/**
 * A small stand-in for the core's workflow: records every event and stores what the jobs read back
 * (the plan, each account's step states) in the real Redis case store, as the core does.
 */
export class RecordingHandoffEvents implements HandoffEvents {
  readonly events: RecordedEvent[] = [];

  constructor(private readonly cases: CaseStore) {}

  async planReady(caseId: string, plan: Plan): Promise<void> {
    // Stored before it is recorded: a test that waits for the event then runs finds the plan.
    await storePlan(this.cases, caseId, plan, "awaiting_signoff");
    this.events.push({ type: "planReady", caseId, plan });
  }

  async planRejected(caseId: string, rejections: AccountRejection[]): Promise<void> {
    this.events.push({ type: "planRejected", caseId, rejections });
  }

  async stepChanged(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    state: StepState,
    error?: string,
  ): Promise<void> {
    this.events.push({ type: "stepChanged", caseId, accountId, step, state, error });
    await this.withAccount(caseId, accountId, (a) => ({
      ...a,
      steps: { ...a.steps, [step]: state },
      error: state === "failed" ? error : a.error,
      updatedAt: new Date().toISOString(),
    }));
  }

  async runFinished(caseId: string): Promise<void> {
    this.events.push({ type: "runFinished", caseId });
    await this.cases.update(caseId, (c) => ({
      ...c,
      execution: { ...c.execution, finishedAt: new Date().toISOString() },
    }));
  }

  async remind(caseId: string, kind: ReminderKind): Promise<void> {
    this.events.push({ type: "remind", caseId, kind });
  }

  async actionNeeded(caseId: string, accountId: string, step: HandoffStep, instructions: string): Promise<void> {
    this.events.push({ type: "actionNeeded", caseId, accountId, step, instructions });
  }

  async accountLeftOut(caseId: string, accountId: string, readiness: AccountReadiness): Promise<void> {
    this.events.push({ type: "accountLeftOut", caseId, accountId, readiness });
    const at = new Date().toISOString();
    await this.withAccount(caseId, accountId, (a) => ({ ...a, leftOut: { blockers: readiness.blockers, at } }));
  }

  async exitChecked(caseId: string, accountId: string, check: ExitCheck): Promise<void> {
    this.events.push({ type: "exitChecked", caseId, accountId, check });
    await this.withAccount(caseId, accountId, (a) => ({ ...a, exitCheck: check }));
  }

  /** Changes one account's progress, as the core's workflow does. */
  private async withAccount(
    caseId: string,
    accountId: string,
    change: (a: AccountProgress) => AccountProgress,
  ): Promise<void> {
    await this.cases.updateAccounts(caseId, [accountId], (c, accounts) => ({
      case: c,
      accounts: {
        [accountId]: { progress: change(accounts[accountId]?.progress ?? { accountId, steps: {}, updatedAt: "" }) },
      },
    }));
  }

  of<T extends RecordedEvent["type"]>(type: T): Extract<RecordedEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RecordedEvent, { type: T }> => e.type === type);
  }
}
