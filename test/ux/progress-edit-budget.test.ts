import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisEditBudget } from "../../adapters/redis/edit-budget";
import { HandoffWorkflow } from "../../src/conversation/handoff-workflow";
import type { ProgressEditBudget } from "../../src/edit-budget";
import { scheduledOneAccountCase } from "../jobs/job-fixture";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { redisCoreDeps } from "../support/core-deps";

/**
 * Progress edits share one budget per workspace, whatever the number of cases and worker processes: Slack counts
 * `chat.update` per app and workspace. Two "worker processes" (two workflows on one Redis) each run a case of the same
 * workspace; with a budget of 2 edits per 10 s window, the two cases together edit their progress twice in a window,
 * and edit again in the next one.
 */
const { redis, prefix, cleanup } = testRedis("progress-edit-budget");
const cases = new RedisCaseStore(redis, prefix);
const budget: ProgressEditBudget = { perWindow: { web: 2 }, windowMs: 10_000 };
const workflows = [new RecordingChat(), new RecordingChat()].map(
  (chat) =>
    new HandoffWorkflow(
      redisCoreDeps(redis, prefix, {
        cases,
        chat,
        partners: { isPartner: async () => false, approvers: async () => [] },
        editBudget: new RedisEditBudget(redis, prefix),
        progressEditBudget: budget,
      }),
    ),
);
afterAll(async () => {
  for (const workflow of workflows) await workflow.close();
  await cleanup();
});

/** A case of its own channel in the workspace both cases share: one budget. */
const runningCase = () =>
  scheduledOneAccountCase(cases, (id) => ({
    locations: [{ platform: "web", channelId: `C-${id}`, teamId: "T-PARTNER" }],
    caseMessage: { platform: "web", channelId: `C-${id}`, messageId: `card-${id}` },
  }));

it("lets the cases of one workspace edit their progress as often as its budget allows, together", async () => {
  const ids = [await runningCase(), await runningCase()];
  // Start at the beginning of a window, so the whole burst falls in one.
  while (Date.now() % budget.windowMs > 300) await new Promise((r) => setTimeout(r, 50));
  const windowEnds = Date.now() - (Date.now() % budget.windowMs) + budget.windowMs;
  const edits: { at: number; caseId: string }[] = [];
  const chats = workflows.map((w) => (w as unknown as { deps: { chat: RecordingChat } }).deps.chat);
  const counted = chats.map(() => 0);
  const watch = () =>
    chats.forEach((chat, i) => {
      const updates = chat.sent.filter((s) => s.kind === "update" && s.body.text.startsWith("Handoff progress"));
      for (; counted[i] < updates.length; counted[i]++) edits.push({ at: Date.now(), caseId: ids[i] });
    });

  // Both accounts move every 400 ms for 8 s: without a budget, each case would edit every 2 s.
  const steps = ["revoke_iam", "buckets", "root_handover", "leave_org"] as const;
  for (let tick = 0; tick < 20; tick++) {
    const step = steps[Math.floor(tick / 5) % steps.length];
    const state = tick % 5 === 4 ? "done" : "running";
    await Promise.all(ids.map((id, i) => workflows[i].stepChanged(id, "222222222222", step, state)));
    watch();
    await new Promise((r) => setTimeout(r, 400));
  }
  watch();
  const inWindow = edits.filter((e) => e.at < windowEnds);
  expect(inWindow.length).toBeLessThanOrEqual(budget.perWindow.web!);
  expect(inWindow.length).toBeGreaterThan(0);

  // The next window brings edits again.
  const deadline = windowEnds + budget.windowMs;
  while (edits.filter((e) => e.at >= windowEnds).length === 0 && Date.now() < deadline) {
    watch();
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(edits.filter((e) => e.at >= windowEnds).length).toBeGreaterThan(0);
}, 40_000);
