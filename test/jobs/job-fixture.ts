import type { Case } from "../../src/case";
import type { AnswerValue } from "../../src/case";
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
