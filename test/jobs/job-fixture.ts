import type { Case } from "../../src/case";
import type { AnswerValue } from "../../src/case";
import { planHeaderOf, type AccountPlan, type Plan } from "../../src/plan";
import type { CaseStore } from "../../src/ports";

/** A case at the point the jobs take over: ticket answered (and, for a run, planned and approved). */
export async function createCase(cases: CaseStore, answers: Record<string, AnswerValue>): Promise<Case> {
  const id = await cases.allocateId(2026);
  const now = new Date().toISOString();
  return cases.create({
    id,
    status: "planning",
    locations: [{ platform: "web", channelId: "demo" }],
    ticket: { answers, history: [], warnings: {} },
    accounts: answers.accountIds as string[],
    members: { customer: [], aws: [] },
    signOffs: [],
    createdBy: { platform: "web", userId: "partner-1" },
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
}

/**
 * A scheduled case of one account (222222222222) whose plan has nothing to remove, ready for the workflow to be told
 * of its steps; `where` places it (its locations and case message), else createCase's channel with a case message.
 */
export async function scheduledOneAccountCase(
  cases: CaseStore,
  where: (id: string) => Partial<Pick<Case, "locations" | "caseMessage">> = () => ({
    caseMessage: { platform: "web", channelId: "demo", messageId: "case-message" },
  }),
): Promise<string> {
  const created = await createCase(cases, { accountIds: ["222222222222"], targetDate: "2099-01-01" });
  const accountPlan = { accountId: "222222222222", artifacts: [], buckets: [] } as unknown as AccountPlan;
  await cases.updateAccounts(created.id, ["222222222222"], (c) => ({
    case: {
      ...c,
      status: "scheduled",
      ...where(c.id),
      plan: planHeaderOf({ accounts: [accountPlan] } as unknown as Plan),
    },
    accounts: { "222222222222": { plan: accountPlan } },
  }));
  return created.id;
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
