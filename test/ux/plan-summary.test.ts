import { renderBlocks, renderMessage, slackLimits } from "../../adapters/slack/block-kit";
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

/**
 * A plan of 2,000 accounts, every other one blocked (two blockers) and warned about twice, with long names: the most a
 * summary could be asked to say.
 */
function crowdedPlan(): Plan {
  const plan = planOf(2000);
  plan.accounts.forEach((account, i) => {
    if (i % 2) return;
    Object.assign(account, {
      accountName: `Acme Corporation Production Workloads ${i}`,
      readiness: {
        state: "blocked",
        checkedAt: "2026-12-01T09:00:00Z",
        blockers: [
          {
            code: "waiting_period",
            reason: "joined the organization 3 days ago",
            fix: "wait 4 more days, then plan refresh",
          },
          { code: "payment", reason: "no payment method can be checked by API", fix: "the customer adds one" },
        ],
      },
      warnings: [
        `account ${account.accountId} has an open support case about its billing`,
        'the ticket keeps "ops-admin", but no partner item of that name was found in this account',
      ],
    });
  });
  return plan;
}

/** "…and 123 more <what>" in the words, as a number. */
const countIn = (words: string, what: RegExp): number => {
  const found = new RegExp(`…and (\\d+) more ${what.source}`).exec(words);
  if (!found) throw new Error(`no "…and N more ${what.source}" in the summary`);
  return Number(found[1]);
};

describe("the plan of 2,000 accounts, many needing attention", () => {
  const plan = crowdedPlan();
  const body = planSummaryMessage(caseOf(plan), plan);
  const attention = plan.accounts.filter((a) => a.readiness?.state === "blocked" || a.warnings.length);
  const blocked = plan.accounts.filter((a) => a.readiness?.state === "blocked");
  const summaryText = JSON.stringify(body.blocks.filter((b) => b.type !== "details"));

  it("is one Teams card under a Teams message's ~28 KB, its Details still naming who needs attention", () => {
    // Microsoft's numbers differ by page and date: "about 28 KB" (Teams connector, posting a card: https://learn.microsoft.com/connectors/teams/),
    // 40 KB of UTF-16 in older revisions of "Format your bot messages", 100 KB (80 KB advised) in the current one
    // (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages). 28 KB is the bar.
    const card = JSON.stringify(adaptiveCard(body));
    expect(card.length).toBeLessThan(28_000);
    expect(card).toContain(`Needs attention (${attention.length}):`);
    expect(card).toContain(`and ${attention.length - 100} more (every one in`);
  });

  it("stays within Slack's limits without the renderer cutting anything", () => {
    const blocks = renderBlocks(body.blocks);
    expect(blocks.length).toBeLessThanOrEqual(slackLimits.blocksPerMessage);
    for (const block of blocks as { text?: { text: string } }[])
      expect(block.text?.text.length ?? 0).toBeLessThan(slackLimits.sectionText);
    const slack = renderMessage(body);
    expect(slack.text.length).toBeLessThan(slackLimits.fallbackText);
    expect(slack.text).toContain(`${blocked.length} of 2000 account(s) BLOCKED`);
    expect(slack.text).toContain(`${blocked.length - 10} more)`);
  });

  it("names the first accounts needing attention and counts the rest right", () => {
    const named = (ids: string[]) => ids.filter((id) => summaryText.includes(`*${id}*`));
    const rowsNamed = named(attention.map((a) => a.accountId));
    expect(rowsNamed.length).toBeGreaterThan(0);
    expect(rowsNamed.length).toBeLessThanOrEqual(20);
    expect(countIn(summaryText, /account\(s\) that need attention/)).toBe(attention.length - rowsNamed.length);
    // The blocked accounts named with their fixes are the first of them; the rest are counted.
    const blockedText = body.blocks.find((b) => b.type === "text" && b.text.startsWith("⛔")) as { text: string };
    const blockedNamed = named(blocked.map((a) => a.accountId)).filter((id) => blockedText.text.includes(`*${id}*`));
    expect(blockedNamed).toEqual(blocked.slice(0, blockedNamed.length).map((a) => a.accountId));
    expect(blockedNamed.length).toBeGreaterThan(0);
    expect(countIn(summaryText, /blocked account\(s\)/)).toBe(blocked.length - blockedNamed.length);
    expect(countIn(summaryText, /account\(s\), ready, without warnings/)).toBe(2000 - attention.length);
  });
});

describe("the plan's counts", () => {
  it("leaves out Kept / untagged when nothing is kept or untagged, and shows it when something is", () => {
    const nothingKept = planOf(4);
    for (const account of nothingKept.accounts)
      account.artifacts = account.artifacts.filter((artifact) => artifact.action !== "keep");
    expect(JSON.stringify(planSummaryMessage(caseOf(nothingKept), nothingKept).blocks)).not.toContain(
      "Kept / untagged",
    );
    const plan = planOf(4);
    const fields = planSummaryMessage(caseOf(plan), plan).blocks.find((b) => b.type === "fields");
    expect(fields).toMatchObject({ fields: expect.arrayContaining([{ label: "Kept / untagged", value: "4 / 0" }]) });
  });

  it("says how the partner's access is closed besides deleting: roles locked, kept roles losing its trust", () => {
    const plan = planOf(3);
    expect(JSON.stringify(planSummaryMessage(caseOf(plan), plan).blocks)).not.toContain("Partner access closed");
    plan.accounts[0].artifacts.push(
      ...([
        { kind: "cross_account_role", action: "lock", name: "OrganizationAccountAccessRole" },
        { kind: "iam_role", action: "untrust", name: "KeptOpsRole" },
      ] as never[]),
    );
    plan.accounts[1].artifacts.push({
      kind: "cross_account_role",
      action: "lock",
      name: "OrganizationAccountAccessRole",
    } as never);
    const fields = planSummaryMessage(caseOf(plan), plan).blocks.find((b) => b.type === "fields");
    expect(fields).toMatchObject({
      fields: expect.arrayContaining([
        { label: "Partner access closed", value: "2 role(s) locked · 1 kept role(s) lose its trust" },
      ]),
    });
  });
});
