import { runAccountHandoff } from "../../jobs/account-handoff";
import { runPreflight } from "../../jobs/preflight";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisStepCountStore } from "../../adapters/redis/step-count-store";
import type { AnswerValue } from "../../src/case";
import { systemClock } from "../../src/clock";
import type { MessageRef } from "../../src/identity";
import { HandoffWorkflow } from "../../src/conversation/handoff-workflow";
import type { Message } from "../../src/message";
import { iamItems, bucketItems, type StepCount } from "../../src/step-count";
import { startAwsFixture, type AwsFixture } from "../aws/aws-fixture";
import { createCase, scheduledOneAccountCase } from "../jobs/job-fixture";
import { RecordingHandoffEvents } from "../jobs/recording-events";
import { startFullStack, type FullStack } from "../support/full-stack";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { redisCoreDeps } from "../support/core-deps";

/**
 * Live per-item counts: the account job reports how far its IAM and bucket steps got ("IAM 7/11", "S3 2/3"), a
 * resumed step counting what an earlier pass did; the progress message shows them, updated in place at most once
 * every 2 s, with a moving elapsed time; the case card carries the run's counts while it runs.
 */

class CountingEvents extends RecordingHandoffEvents {
  readonly counts: (StepCount & { accountId: string })[] = [];

  async stepCounted(_caseId: string, accountId: string, count: StepCount): Promise<void> {
    this.counts.push({ accountId, ...count });
  }
}

describe("the account job's counts", () => {
  const { redis, prefix, cleanup } = testRedis("live-counts");
  const cases = new RedisCaseStore(redis, prefix);
  const events = new CountingEvents(cases);
  let fixture: AwsFixture;

  beforeAll(async () => {
    fixture = await startAwsFixture({ redis, rateKey: `${prefix}aws-rate`, ratePerSecond: 1000 });
  });
  afterAll(async () => {
    await fixture?.close();
    await cleanup();
  });

  const answers: Record<string, AnswerValue> = {
    accountIds: ["222222222222"],
    accountsWithoutRootAccess: [],
    keepLifecycleTooling: false,
    bucketDisposition: "archive",
    removalBy: "partner",
    destination: "standalone",
    credentialDelivery: "link",
    targetDate: "2099-01-01",
  };

  it("counts each IAM item and bucket, and a resumed step counts what the interrupted pass already did", async () => {
    const created = await createCase(cases, answers);
    const deps = { aws: fixture.aws, cases, events, partnerMarker: "CTL", clock: systemClock };
    expect(await runPreflight(deps, created.id, { lastAttempt: true })).toBe("planned");
    const accountPlan = (await cases.accountPlan(created.id, "222222222222"))!;
    const iam = iamItems(accountPlan);
    const buckets = bucketItems(accountPlan);
    expect(iam.length).toBeGreaterThan(3);
    expect(buckets.length).toBeGreaterThan(0);

    // An earlier pass deleted three items and was interrupted in the IAM step.
    for (const artifact of iam.slice(0, 3)) await fixture.aws.deleteArtifact("222222222222", artifact);
    await cases.updateAccounts(created.id, ["222222222222"], (c) => ({
      case: { ...c, status: "executing", execution: { startedAt: new Date().toISOString() } },
      accounts: {
        "222222222222": {
          progress: { accountId: "222222222222", steps: { revoke_iam: "running" }, updatedAt: "" },
        },
      },
    }));
    await runAccountHandoff({ aws: fixture.aws, cases, events }, created.id, "222222222222", { lastAttempt: true });

    const of = (step: string) => events.counts.filter((c) => c.step === step);
    expect(of("revoke_iam").map((c) => `${c.done}/${c.total}`)).toEqual(iam.map((_, i) => `${i + 1}/${iam.length}`));
    expect(of("buckets").map((c) => `${c.done}/${c.total}`)).toEqual(
      buckets.map((_, i) => `${i + 1}/${buckets.length}`),
    );
  }, 60_000);
});

describe("the progress message during a run", () => {
  let stack: FullStack;
  const updates: { at: number; ref: MessageRef; body: Message }[] = [];

  beforeAll(async () => {
    stack = await startFullStack({});
    const chat = stack.bot.chat;
    const update = chat.update.bind(chat);
    chat.update = (ref, body) => {
      updates.push({ at: Date.now(), ref, body });
      return update(ref, body);
    };
  }, 30_000);
  afterAll(async () => stack?.stop(), 30_000);

  const shown = (body: Message) => body.blocks.map((b) => ("text" in b ? b.text : JSON.stringify(b))).join("\n");

  it("shows live counts, updated in place at most once every 2 s, and the case card's counts while it runs", async () => {
    let value = await stack.openPlannedCase("222222222222 444444444444");
    await stack.approveAll(value);
    value = await stack.caseOf();
    // Slow AWS down a little, as the real one is, so the run lasts long enough to be watched.
    stack.sandbox.setFaults({ latencyMs: 60 });
    try {
      await stack.command(value, "run");
      value = await stack.waitFor((c) => c.status === "completed" || c.status === "failed", 90_000, "the run");
    } finally {
      stack.sandbox.setFaults({ latencyMs: 0 });
    }
    await stack.bot.conversation.workflow.flush();
    const progressRef = value.progressMessage!;
    const progress = updates.filter((u) => u.ref.messageId === progressRef.messageId);
    const during = progress.slice(0, -1);
    const texts = during.map((u) => shown(u.body));
    expect(texts.some((t) => /· IAM \d+\/\d+/.test(t))).toBe(true);
    expect(texts.some((t) => /· IAM ([1-9]\d*)\/\d+/.test(t))).toBe(true);
    expect(texts.some((t) => /▰*▱+ \d+%/.test(t))).toBe(true);
    // Throttled: consecutive edits during the run at least 2 s apart (the final one is drawn at once).
    const gaps = during.slice(1).map((u, i) => u.at - during[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_900);
    // The elapsed time moves from one edit to the next.
    const elapsed = texts.map((t) => /% · (.+)$/m.exec(t)?.[1]);
    expect(new Set(elapsed).size).toBeGreaterThan(1);

    const card = updates.filter((u) => u.ref.messageId === value.caseMessage!.messageId).map((u) => shown(u.body));
    expect(card.some((t) => /[0-2]\/2 accounts out · \d running/.test(t))).toBe(true);
  }, 120_000);
});

describe("the elapsed time while a step has nothing to count", () => {
  const { redis, prefix, cleanup } = testRedis("live-heartbeat");
  const cases = new RedisCaseStore(redis, prefix);
  const chat = new RecordingChat();
  const workflow = new HandoffWorkflow(
    redisCoreDeps(redis, prefix, {
      cases,
      chat,
      partners: { isPartner: async () => false, approvers: async () => [] },
      stepCounts: new RedisStepCountStore(redis, prefix),
    }),
  );
  afterAll(async () => {
    await workflow.close();
    await cleanup();
  });

  it("redraws the progress about every 15 s while the run waits, and stops once closed", async () => {
    const caseId = await scheduledOneAccountCase(cases);
    // The account reaches a step with nothing to count (the customer leaving), and nothing else happens.
    await workflow.stepChanged(caseId, "222222222222", "revoke_iam", "done");
    await workflow.stepChanged(caseId, "222222222222", "buckets", "done");
    await workflow.stepChanged(caseId, "222222222222", "root_handover", "skipped");
    await workflow.stepChanged(caseId, "222222222222", "leave_org", "running");
    const progressRef = (await cases.get(caseId))!.progressMessage!;
    const edits = () =>
      chat.sent
        .map((s, i) => ({ ...s, i }))
        .filter((s) => s.kind === "update" && s.ref?.messageId === progressRef.messageId);
    const times: number[] = [];
    const seen = () => {
      while (times.length < edits().length) times.push(Date.now());
    };
    // The step changes are drawn within 2 s; after them, only the heartbeat edits.
    const until = Date.now() + 25_000;
    while (times.length < 3 && Date.now() < until) {
      seen();
      await new Promise((r) => setTimeout(r, 100));
    }
    seen();
    expect(times.length).toBeGreaterThanOrEqual(3);
    const gap = times[times.length - 1] - times[times.length - 2];
    expect(gap).toBeGreaterThanOrEqual(13_000);
    expect(gap).toBeLessThanOrEqual(20_000);
    const elapsed = edits().map((e) => /% · (.+?)"/.exec(JSON.stringify(e.body))?.[1]);
    expect(elapsed.at(-1)).not.toBe(elapsed.at(-2));
    expect(JSON.stringify(edits().at(-1)!.body)).toContain("step 4 of 7: Leave the organization");
    await workflow.close();
    const after = edits().length;
    await new Promise((r) => setTimeout(r, 500));
    expect(edits().length).toBe(after);
  }, 40_000);
});
