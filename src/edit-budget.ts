import type { Case } from "./case";
import { homesOf } from "./case-homes";
import type { ChatLocation } from "./identity";

/**
 * Edits of live messages, shared by every process. Slack's `chat.update` is a Web API Tier 3 method: "50+ per minute",
 * counted "per API method per workspace/team per app" (https://docs.slack.dev/apis/web-api/rate-limits) — whatever the
 * number of cases running and of worker processes editing them. A progress edit can wait (the next one shows the
 * latest state), so progress edits take from a budget per workspace and window, and wait for the next window when it
 * is spent; the final state of a run is drawn outside the budget.
 */
export interface EditBudget {
  /** Takes one edit of `scope` in the current window of `windowMs`; false when `limit` were taken already. */
  take(scope: string, limit: number, windowMs: number): Promise<boolean>;
}

/** How many progress edits a workspace (or tenant) takes per window, per platform; a platform not named has none. */
export interface ProgressEditBudget {
  perWindow: Partial<Record<ChatLocation["platform"], number>>;
  windowMs: number;
}

/**
 * Slack: 40 of a workspace's 50+ `chat.update`s a minute, the rest left for case cards and sign-offs. Teams counts per
 * conversation and allows far more (7 a second, 60 in 30 s per bot and conversation) than one edit every 2 s needs.
 */
export const defaultProgressEditBudget: ProgressEditBudget = { perWindow: { slack: 40 }, windowMs: 60_000 };

/** The budgets a progress edit of `value` takes from: one per workspace of a home on a platform with a budget. */
export function progressEditScopes(value: Case, budget: ProgressEditBudget): { scope: string; limit: number }[] {
  const scopes = new Map<string, number>();
  for (const home of homesOf(value)) {
    const limit = budget.perWindow[home.thread.platform];
    if (limit !== undefined && home.thread.teamId) scopes.set(`${home.thread.platform}:${home.thread.teamId}`, limit);
  }
  return [...scopes].map(([scope, limit]) => ({ scope, limit }));
}
