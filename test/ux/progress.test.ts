import { renderMessage, slackLimits } from "../../adapters/slack/block-kit";
import type { AccountState, Case } from "../../src/case";
import { progressBar, progressMessage, progressOf, readableError, runCounts } from "../../src/conversation/case-view";
import type { Message } from "../../src/message";
import { handoffSteps, type AccountPlan } from "../../src/plan";
import type { StepCount } from "../../src/step-count";
import { startFullStack, people, type FullStack } from "../support/full-stack";

/** A run of `count` accounts: every seventh failed at leaving, every third done, the rest at their IAM step. */
function runningCase(count: number): { value: Case; accounts: Record<string, AccountState> } {
  const accounts = Array.from({ length: count }, (_, i) => String(100000000000 + i));
  const progress = Object.fromEntries(
    accounts.map((accountId, i) => {
      const steps: Record<string, string> = {};
      if (i % 7 === 0) Object.assign(steps, { revoke_iam: "done", buckets: "done", leave_org: "failed" });
      else if (i % 3 === 0) for (const step of handoffSteps) steps[step] = "done";
      else steps.revoke_iam = "running";
      const error = i % 7 === 0 ? "MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED: add a payment method" : undefined;
      return [accountId, { progress: { accountId, steps, error, updatedAt: "2026-12-01T10:00:00Z" } }];
    }),
  );
  const value = {
    id: "OFB-2026-0042",
    status: "executing",
    accounts,
    execution: { startedAt: "2026-12-01T10:00:00Z" },
  } as unknown as Case;
  return { value, accounts: progress as Record<string, AccountState> };
}

describe("progress, one message updated in place", () => {
  it("says the run in one line, with the elapsed time", () => {
    const { value, accounts } = runningCase(4);
    expect(runCounts(value, progressOf(accounts))).toBe("1/4 accounts out · 1 needs attention · 2 running · 1 done");
    const body = progressMessage(value, accounts, new Date("2026-12-01T10:04:10Z"));
    expect(body.text).toBe(
      "Handoff progress for OFB-2026-0042: 1/4 accounts out · 1 needs attention · 2 running · 1 done",
    );
    expect(JSON.stringify(body)).toContain("· 4 min 10 s");
  });

  it("stays within Slack's 50 blocks at 200 accounts and names every account that needs attention, once, with Retry", () => {
    const { value, accounts } = runningCase(200);
    const body = progressMessage(value, accounts, new Date("2026-12-01T10:01:00Z"));
    const rendered = renderMessage(body);
    expect(rendered.blocks.length).toBeLessThanOrEqual(slackLimits.blocksPerMessage);
    const shown = JSON.stringify(rendered.blocks);
    expect(shown).not.toContain("not shown");
    const failed = value.accounts.filter((_, i) => i % 7 === 0);
    for (const accountId of failed) {
      expect(shown.match(new RegExp(`❌ \\*${accountId}\\*`, "g"))).toHaveLength(1);
      expect(shown).toContain(`"Retry ${accountId}"`);
    }
  });

  it("stays within Slack's 50 blocks at 200 accounts with every running account's live count", () => {
    const { value, accounts } = runningCase(200);
    const counts: Record<string, StepCount> = Object.fromEntries(
      value.accounts.map((a, i) => [a, { step: "revoke_iam", done: i % 11, total: 11 }]),
    );
    const rendered = renderMessage(progressMessage(value, accounts, new Date("2026-12-01T10:01:00Z"), counts));
    expect(rendered.blocks.length).toBeLessThanOrEqual(slackLimits.blocksPerMessage);
    expect(JSON.stringify(rendered.blocks)).toContain(
      "*100000000001* — step 1 of 7: Revoke partner IAM artifacts · IAM 1/11",
    );
  });

  it("wraps long AWS codes at their underscores, as code", () => {
    expect(readableError("refused: MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED (add one)")).toBe(
      "refused: `MEMBER_\u200bACCOUNT_\u200bPAYMENT_\u200bINSTRUMENT_\u200bREQUIRED` (add one)",
    );
  });
});

/** Three accounts, each with 11 IAM items to change (and one kept) and 3 buckets to archive (and one kept). */
function plannedRun(): { value: Case; accounts: Record<string, AccountState> } {
  const accountPlan = (accountId: string, accountName: string) =>
    ({
      accountId,
      accountName,
      artifacts: [
        ...Array.from({ length: 11 }, (_, i) => ({ kind: "iam_role", name: `CTL-${i}`, arn: "", action: "delete" })),
        { kind: "iam_role", name: "acme-deploy", arn: "", action: "keep" },
        { kind: "cross_account_role", name: "OrganizationAccountAccessRole", arn: "", action: "lock" },
      ],
      buckets: [
        ...Array.from({ length: 3 }, (_, i) => ({ name: `ctl-${i}`, disposition: "archive" })),
        { name: "acme-data", disposition: "keep" },
      ],
    }) as unknown as AccountPlan;
  const at = "2026-12-01T10:00:00Z";
  const value = {
    id: "OFB-2026-0042",
    status: "executing",
    accounts: ["222222222222", "333333333333", "444444444444"],
    execution: { startedAt: at },
  } as unknown as Case;
  const accounts: Record<string, AccountState> = {
    "222222222222": {
      plan: accountPlan("222222222222", "Acme Production"),
      progress: { accountId: "222222222222", steps: { revoke_iam: "running" }, updatedAt: at },
    },
    "333333333333": {
      plan: accountPlan("333333333333", "Acme Staging"),
      progress: { accountId: "333333333333", steps: { revoke_iam: "done", buckets: "running" }, updatedAt: at },
    },
    "444444444444": {
      plan: accountPlan("444444444444", "Acme Data"),
      progress: { accountId: "444444444444", steps: { revoke_iam: "running" }, updatedAt: at },
    },
  };
  return { value, accounts };
}

describe("live counts in the progress", () => {
  const counts: Record<string, StepCount> = {
    "222222222222": { step: "revoke_iam", done: 7, total: 11 },
    "333333333333": { step: "buckets", done: 2, total: 3 },
  };

  it("shows each account's running step with how far it got through its items", () => {
    const { value, accounts } = plannedRun();
    const shown = JSON.stringify(progressMessage(value, accounts, new Date("2026-12-01T10:00:30Z"), counts));
    expect(shown).toContain("*222222222222* (Acme Production) — step 1 of 7: Revoke partner IAM artifacts · IAM 7/11");
    expect(shown).toContain("*333333333333* (Acme Staging) — step 2 of 7: S3 buckets · S3 2/3");
    // Before its first report, the step's items come from the plan: what it changes, not what it keeps or locks.
    expect(shown).toContain("*444444444444* (Acme Data) — step 1 of 7: Revoke partner IAM artifacts · IAM 0/11");
  });

  it("ignores a count left from an earlier step", () => {
    const { value, accounts } = plannedRun();
    accounts["222222222222"].progress!.steps = { revoke_iam: "done", buckets: "running" };
    const shown = JSON.stringify(progressMessage(value, accounts, new Date(), counts));
    expect(shown).toContain("*222222222222* (Acme Production) — step 2 of 7: S3 buckets · S3 0/3");
  });

  it("draws the run as a bar: finished steps and the running steps' counts over every account's steps", () => {
    // 7/11 + 1 + 2/3 + 0 = 2.3 of 3 × 7 steps: 10 %, floored.
    const run = plannedRun();
    expect(progressBar(run.value, progressOf(run.accounts), counts)).toBe("▰▱▱▱▱▱▱▱▱▱ 10%");
    const done = plannedRun();
    for (const accountId of done.value.accounts)
      done.accounts[accountId].progress!.steps = Object.fromEntries(handoffSteps.map((s) => [s, "done"]));
    expect(progressBar(done.value, progressOf(done.accounts), counts)).toBe("▰▰▰▰▰▰▰▰▰▰ 100%");
    const body = JSON.stringify(progressMessage(run.value, run.accounts, new Date("2026-12-01T10:00:30Z"), counts));
    expect(body).toContain("▰▱▱▱▱▱▱▱▱▱ 10% · 30 s");
  });
});

describe("a failing run through the whole stack", () => {
  let stack: FullStack;
  const posts: Message[] = [];
  beforeAll(async () => {
    stack = await startFullStack({});
    const chat = stack.bot.chat;
    const post = chat.post.bind(chat);
    chat.post = (where, body) => {
      posts.push(body);
      return post(where, body);
    };
  }, 30_000);
  afterAll(async () => stack?.stop(), 30_000);

  it("shows each failure once, in the progress, and says a second Retry is already running", async () => {
    let value = await stack.openPlannedCase("222222222222 333333333333");
    await stack.approveAll(value);
    value = await stack.caseOf();
    await stack.command(value, "run");
    value = await stack.waitFor((c) => c.status === "failed", 60_000, "the run to finish");
    await stack.bot.conversation.workflow.flush();
    const failureMessages = posts.filter((p) => /payment method/i.test(JSON.stringify(p)) && !/^Handoff/.test(p.text));
    // The closing summary names the account's state; no separate failure message repeats the reason.
    expect(failureMessages.filter((p) => /stopped at/.test(JSON.stringify(p)))).toEqual([]);

    const notices: string[] = [];
    const chat = stack.bot.chat;
    const ephemeral = chat.ephemeral.bind(chat);
    chat.ephemeral = (where, to, body) => {
      notices.push(body.text);
      return ephemeral(where, to, body);
    };
    const retry = {
      kind: "action" as const,
      actionId: "account.retry",
      value: `${value.id}:333333333333`,
      actor: people.partner,
      location: { platform: "web" as const, channelId: stack.channelId, threadId: value.caseMessage!.messageId },
    };
    await stack.act(retry);
    await stack.act(retry);
    expect(notices.at(-1)).toMatch(/account 333333333333 of OFB-\d{4}-\d{4} is already running/);
  }, 120_000);
});
