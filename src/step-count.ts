import type { AccountPlan, HandoffStep, PlannedArtifact, PlannedBucket } from "./plan";

/**
 * How far one account's step has got through its items ("IAM 7/11"): reported by the run as it deals with each item
 * and shown live in the progress message. An item found already done counts as done, so a resumed step counts what
 * an earlier pass did.
 */
export interface StepCount {
  step: HandoffStep;
  done: number;
  total: number;
}

/** The steps that work through a list of items, with the short name the progress gives their count. */
export const countedStepName: Partial<Record<HandoffStep, string>> = { revoke_iam: "IAM", buckets: "S3" };

/** The IAM step's items: what it deletes, untags or takes the partner's trust from (kept ones stay; lock is last). */
export function iamItems(accountPlan: AccountPlan): PlannedArtifact[] {
  return accountPlan.artifacts.filter((a) => a.action === "delete" || a.action === "untag" || a.action === "untrust");
}

/** The bucket step's items: the buckets it archives or deletes (a kept bucket is left as it is). */
export function bucketItems(accountPlan: AccountPlan): PlannedBucket[] {
  return accountPlan.buckets.filter((b) => b.disposition !== "keep");
}

/** How many items `step` works through for the account, per its plan; 0 for a step without items. */
export function plannedItems(accountPlan: AccountPlan | undefined, step: HandoffStep): number {
  if (!accountPlan) return 0;
  if (step === "revoke_iam") return iamItems(accountPlan).length;
  if (step === "buckets") return bucketItems(accountPlan).length;
  return 0;
}
