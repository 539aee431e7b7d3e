import type { Case } from "../../src/case";
import type { ChatLocation, Identity } from "../../src/identity";
import { planHeaderOf, type AccountPlan, type Plan } from "../../src/plan";
import type { CaseStore } from "../../src/ports";

/**
 * A plan of `count` accounts, each with 11 partner artifacts (4 roles, 6 policies to remove, 1 kept) and a bucket;
 * every 25th account blocked (from the 4th), every 40th with a warning (from the 8th).
 */
export function planOf(count: number): Plan {
  const accounts: AccountPlan[] = Array.from({ length: count }, (_, i) => {
    const accountId = String(200000000000 + i);
    const blocked = i % 25 === 3;
    return {
      accountId,
      accountName: `Acme ${i}`,
      member: true,
      artifacts: [
        ...Array.from({ length: 4 }, (_, n) => ({ kind: "iam_role", action: "delete", name: `CTL-Role-${n}` })),
        ...Array.from({ length: 6 }, (_, n) => ({ kind: "iam_policy", action: "delete", name: `CTL-Policy-${n}` })),
        { kind: "iam_policy", action: "keep", name: "CTL-ALM" },
      ],
      buckets: [{ name: `config-bucket-${accountId}`, disposition: "archive" }],
      rootHandover: "credential_link",
      warnings: i % 40 === 7 ? [`account ${accountId} has an open support case`] : [],
      readiness: {
        state: blocked ? "blocked" : "ready",
        blockers: blocked ? [{ code: "waiting_period", reason: "joined 3 days ago", fix: "wait 4 more days" }] : [],
        checkedAt: "2026-12-01T09:00:00Z",
      },
    } as unknown as AccountPlan;
  });
  return {
    version: 1,
    createdAt: "2026-12-01T09:00:00Z",
    organizationId: "o-partner",
    managementAccountId: "999999999999",
    removalBy: "partner",
    accounts,
    warnings: [],
  } as unknown as Plan;
}

/** The accounts of a plan that need attention: blocked, or with a warning. */
export function attentionOf(plan: Plan): AccountPlan[] {
  return plan.accounts.filter((a) => a.readiness?.state === "blocked" || a.warnings.length > 0);
}

/**
 * A case stored as the sign-off finds it: its plan, its customer approvers, its case message in `channel` (the thread
 * bound to it), waiting for the three sign-offs.
 */
export async function seedPlannedCase(
  cases: CaseStore,
  options: { id: string; channel: ChatLocation; caseMessageId: string; plan: Plan; customer: Identity[]; by: Identity },
): Promise<Case> {
  const now = new Date().toISOString();
  const caseMessage = {
    platform: options.channel.platform,
    channelId: options.channel.channelId,
    messageId: options.caseMessageId,
  };
  const created = await cases.create(
    {
      id: options.id,
      status: "awaiting_signoff",
      customerName: "Acme Corp",
      locations: [options.channel],
      caseMessage,
      ticket: { answers: { customerName: "Acme Corp", targetDate: "2027-01-15" }, history: [], warnings: {} },
      accounts: options.plan.accounts.map((a) => a.accountId),
      members: { customer: options.customer, aws: [] },
      plan: planHeaderOf(options.plan),
      signOffs: [],
      createdBy: options.by,
      createdAt: now,
      updatedAt: now,
      version: 1,
    },
    Object.fromEntries(options.plan.accounts.map((a) => [a.accountId, { plan: a }])),
  );
  await cases.bindLocation(options.channel, options.id);
  await cases.bindLocation({ ...options.channel, threadId: options.caseMessageId }, options.id);
  return created;
}
