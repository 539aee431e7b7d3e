import { renderMessage, slackLimits } from "../../adapters/slack/block-kit";
import { adaptiveCard } from "../../adapters/teams/adaptive-card";
import type { Case } from "../../src/case";
import { planSummaryMessage } from "../../src/conversation/case-view";
import type { Plan } from "../../src/plan";
import { planOf } from "../support/plan-fixture";

const caseOf = (plan: Plan) => ({ id: "OFB-2026-0042", plan }) as unknown as Case;

describe("the plan, summary first", () => {
  it("starts with the plan in one line and gives one row per account with its artifacts counted by kind", () => {
    const plan = planOf(4);
    const body = planSummaryMessage(caseOf(plan), plan);
    expect(body.blocks[1]).toEqual({ type: "text", text: "*4 accounts · 40 partner artifacts to remove · 1 blocked*" });
    // The rows count; artifact names are in the Details only (and in export).
    const rows = JSON.stringify(body.blocks.filter((b) => b.type !== "details"));
    expect(rows).toContain(
      "*200000000000* (Acme 0) · ✅ ready · 4 roles, 6 policies to remove · 1 kept or changed · 1 bucket → archive",
    );
    expect(rows).toContain("*200000000003* (Acme 3) · ⛔ blocked");
    expect(rows).not.toContain("CTL-Role-0");
    expect(JSON.stringify(body.blocks.find((b) => b.type === "details"))).toContain("CTL-Role-0");
  });

  it("stays within Slack's 50 blocks at 200 accounts, naming every account that needs attention and counting the rest", () => {
    const plan = planOf(200);
    const body = planSummaryMessage(caseOf(plan), plan);
    const slack = renderMessage(body);
    expect(slack.blocks.length).toBeLessThanOrEqual(slackLimits.blocksPerMessage);
    const shown = JSON.stringify(slack.blocks);
    expect(shown).not.toContain("not shown");
    const attention = plan.accounts.filter((a) => a.readiness?.state === "blocked" || a.warnings.length);
    expect(attention.length).toBeGreaterThan(5);
    for (const account of attention) expect(shown).toContain(`*${account.accountId}*`);
    expect(shown).toMatch(/…and \d+ more account\(s\), ready, without warnings: \d+ roles, \d+ policies to remove/);
    // Teams shows the same words.
    expect(JSON.stringify(adaptiveCard(body))).toContain(attention[0].accountId);
  });
});
