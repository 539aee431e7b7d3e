import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import type { AuditEvent } from "../../src/ports";
import type { ActionInbound, MessageInbound } from "../../src/ports";
import { approvalHash, shortHash } from "../../src/signoff";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { validTicketAnswers } from "../support/ticket-answers";
import { pressAndApprove } from "../support/approval";

/**
 * Storms the whole product (real Redis, BullMQ, SDK clients against the sandbox) with what chat
 * platforms and AWS really do: the same request delivered many times at once (Slack retries, Bot
 * Framework redeliveries), many presses of one button (impatient double clicks), and Organizations
 * answering `ConcurrentModificationException` in bursts. Each effect must be recorded once.
 */
let stack: FullStack;
let deps: ConversationDeps;

beforeAll(async () => {
  stack = await startFullStack({});
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

const storm = 20;

/**
 * What the in-process sandbox answered, call by call (its `x-amz-target` and HTTP status). The sandbox's
 * counters count calls, the ones it failed with an injected fault included, so they cannot tell
 * an effect from an attempt; this watch on its HTTP server can. Observes only: nothing is changed.
 */
function watchSandboxAnswers(port: number): { calls: { target: string; status: number }[]; stop(): void } {
  const calls: { target: string; status: number }[] = [];
  const spy = jest.spyOn(Server.prototype, "emit").mockImplementation(function (
    this: Server,
    event: string | symbol,
    ...args: unknown[]
  ) {
    const address = this.address();
    if (event === "request" && typeof address === "object" && address?.port === port) {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const target = String(req.headers["x-amz-target"] ?? "");
      if (target) res.once("finish", () => calls.push({ target, status: res.statusCode }));
    }
    return emit.apply(this, [event, ...args] as Parameters<Server["emit"]>);
  });
  return { calls, stop: () => spy.mockRestore() };
}
const emit = Server.prototype.emit;

/** The case's audit trail once `done` holds for it (bounded). */
async function auditUntil(caseId: string, done: (events: AuditEvent[]) => boolean): Promise<AuditEvent[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const events = await deps.audit.read(caseId);
    if (done(events) || Date.now() > until) return events;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const channel = () => ({ platform: "web" as const, channelId: stack.channelId });

describe("retries, double clicks and AWS conflicts, all at once", () => {
  it("records each effect once, and a run through a ConcurrentModificationException burst completes with one removal per account", async () => {
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "start",
      actor: people.partner,
      location: channel(),
    });
    let value = await stack.caseOf();
    const thread = { ...channel(), threadId: value.caseMessage!.messageId };
    const answers = validTicketAnswers(
      { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
      "222222222222 444444444444",
    );
    const last = answers[answers.length - 1];
    for (const answer of answers.slice(0, -1)) await stack.reply(value, answer.text);
    await stack.command(value, "assign aws <@U-ALEX|Alex Rivera>");

    // The last answer, delivered 20 times at once with one request id (a platform retrying).
    const lastReply: MessageInbound = {
      kind: "message",
      mentionsBot: false,
      direct: false,
      text: last.text,
      actor: people.partner,
      location: thread,
      requestId: `${stack.prefix}last-answer`,
    };
    const versionBefore = (await stack.caseOf()).version;
    await Promise.all(Array.from({ length: storm }, () => stack.bot.conversation.handle({ ...lastReply })));
    value = await stack.waitFor((c) => c.status === "awaiting_signoff", 30_000, "the plan");
    // The status is stored before the event is appended: wait for the event too.
    let audit = await auditUntil(value.id, (events) => events.some((e) => e.action === "plan.ready"));
    expect(audit.filter((e) => e.action === "ticket.skipped")).toHaveLength(1);
    expect(audit.filter((e) => e.action === "ticket.completed")).toHaveLength(1);
    expect(audit.filter((e) => e.action === "plan.ready")).toHaveLength(1);
    expect(value.version).toBeGreaterThan(versionBefore);

    const hash = shortHash(approvalHash(value));
    const press = (party: string, actor: typeof people.aws, requestId: string): ActionInbound => ({
      kind: "action",
      actionId: "signoff.approve",
      value: `${value.id}:${party}:${hash}`,
      actor,
      location: thread,
      requestId,
    });

    // The AWS approval: one request id, 20 concurrent deliveries.
    const awsOutcomes = await Promise.all(
      Array.from({ length: storm }, () =>
        pressAndApprove(stack.bot.conversation, press("aws", people.aws, `${stack.prefix}aws-press`)),
      ),
    );
    expect(awsOutcomes.filter((o) => o.notice === "Approved for AWS")).toHaveLength(1);

    // The customer approval: 20 distinct presses of the same button by the same person, concurrently.
    const customerOutcomes = await Promise.all(
      Array.from({ length: storm }, (_, i) =>
        pressAndApprove(
          stack.bot.conversation,
          press("customer", people.customer, `${stack.prefix}customer-press-${i}`),
        ),
      ),
    );
    expect(customerOutcomes.filter((o) => o.notice === "Approved for Customer")).toHaveLength(1);
    // The 19 others were told why, and nothing more.
    expect(customerOutcomes.filter((o) => /already approved/.test(o.notice ?? ""))).toHaveLength(storm - 1);

    value = await stack.caseOf();
    expect(value.signOffs.filter((s) => s.party === "aws")).toHaveLength(1);
    expect(value.signOffs.filter((s) => s.party === "customer")).toHaveLength(1);
    audit = await deps.audit.read(value.id);
    const recorded = audit.filter((e) => e.action === "signoff.recorded");
    expect(recorded.map((e) => e.party).sort()).toEqual(["aws", "customer"]);
    expect(audit.filter((e) => e.action === "signoff.denied")).toHaveLength(0);

    await pressAndApprove(stack.bot.conversation, press("partner", people.partner, `${stack.prefix}partner-press`));
    value = await stack.waitFor((c) => c.status === "scheduled", 10_000, "the approved run to be scheduled");
    expect(value.signOffs).toHaveLength(3);

    // The run, with Organizations answering ConcurrentModificationException to the next 20 calls.
    const answered = watchSandboxAnswers(stack.sandbox.port);
    try {
      await stack.command(value, "run");
      // On the removals: the readiness reads before them (DescribeAccount, ListDelegatedAdministrators) would take it.
      stack.sandbox.setFaults({
        concurrentModificationBurst: 20,
        concurrentModificationOperations: ["RemoveAccountFromOrganization"],
      });
      value = await stack.waitFor(
        (c) => c.status === "completed" || c.status === "failed",
        60_000,
        "the run through the conflict burst",
      );
    } finally {
      answered.stop();
    }
    expect(value.status).toBe("completed");
    const counters = stack.sandbox.counters();
    expect(counters["sandbox:concurrentModification"]).toBe(20);
    const removals = answered.calls.filter((c) => c.target.endsWith(".RemoveAccountFromOrganization"));
    // The sandbox counts every call, the 400s it injected included: each account took at least one.
    for (const accountId of ["222222222222", "444444444444"]) {
      expect(value.progress[accountId].steps.leave_org).toBe("done");
      expect(counters[`organizations:RemoveAccountFromOrganization:${accountId}`]).toBeGreaterThanOrEqual(1);
      expect(stack.sandbox.state.accounts.get(accountId)?.organizationId).toBeUndefined();
    }
    expect(removals).toHaveLength(counters["organizations:RemoveAccountFromOrganization"]);
    expect(removals.length).toBeGreaterThan(2);
    // One successful removal per account (two accounts, two 200s); every other attempt was refused by the burst.
    expect(removals.filter((c) => c.status === 200)).toHaveLength(2);
    expect(removals.filter((c) => c.status !== 200).every((c) => c.status === 400)).toBe(true);
    audit = await auditUntil(value.id, (events) => events.some((e) => e.action === "run.completed"));
    expect(audit.filter((e) => e.action === "run.started")).toHaveLength(1);
    expect(audit.filter((e) => e.action === "run.completed")).toHaveLength(1);
    for (const accountId of ["222222222222", "444444444444"]) {
      const leftOnce = audit.filter(
        (e) =>
          e.action === "step.done" &&
          (e.payload as { accountId?: string; step?: string }).accountId === accountId &&
          (e.payload as { step?: string }).step === "leave_org",
      );
      expect(leftOnce).toHaveLength(1);
    }
    expect(await verifyCaseAudit(deps.audit as RedisAuditLog, value.id)).toEqual({ ok: true, count: audit.length });
  }, 90_000);
});
