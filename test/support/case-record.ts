import type { AccountProgress, Case } from "../../src/case";
import type { CaseStatus } from "../../src/case-status";
import { planHeaderOf, type AccountPlan, type Plan } from "../../src/plan";
import type { CaseStore } from "../../src/ports";

/** A case as tests look at it: the document and, beside it, every account's plan and run progress. */
export type CaseRecord = Case & { accountPlans: AccountPlan[]; progress: Record<string, AccountProgress> };

/** Reads the case and all its accounts' state (what no command reads at once). */
export async function readCaseRecord(cases: CaseStore, id: string): Promise<CaseRecord | undefined> {
  const value = await cases.get(id);
  if (!value) return undefined;
  const accounts = await cases.accounts(id, value.accounts);
  const progress: Record<string, AccountProgress> = {};
  for (const [accountId, state] of Object.entries(accounts)) if (state.progress) progress[accountId] = state.progress;
  return { ...value, accountPlans: value.accounts.flatMap((a) => accounts[a]?.plan ?? []), progress };
}

/**
 * Stores a preflight's plan as the workflow does (the header in the document, each account's plan in its own
 * field) and moves the case to `status`; for tests and benches that play the core's part.
 */
export async function storePlan(cases: CaseStore, caseId: string, plan: Plan, status: CaseStatus): Promise<void> {
  await cases.updateAccounts(
    caseId,
    plan.accounts.map((a) => a.accountId),
    (c) => ({
      case: { ...c, plan: planHeaderOf(plan), status },
      accounts: Object.fromEntries(plan.accounts.map((a) => [a.accountId, { plan: a }])),
    }),
  );
}
