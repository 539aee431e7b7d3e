import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import type { Case } from "../../src/case";
import { ListedPartners } from "../../src/conversation/chat-router";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import type { ActionInbound, Inbound } from "../../src/ports";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { Identity } from "../../src/identity";
import { planMatchesFingerprint, type Plan } from "../../src/plan";
import { RedisKeys } from "../../adapters/redis/keys";
import { planOf } from "../support/plan-fixture";
import type { JobQueue } from "../../src/ports";
import { shortHash, approvalHash } from "../../src/signoff";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { validTicketAnswers } from "../support/ticket-answers";
import { pressAndApprove } from "../support/approval";
import { redisCoreDeps } from "../support/core-deps";

const { redis, prefix, cleanup } = testRedis("conversation");
afterAll(cleanup);

const customer: Identity = { platform: "web", userId: "cora", teamId: "T-CUSTOMER", name: "Cora" };
const aws: Identity = { platform: "web", userId: "avery", teamId: "T-AWS", name: "Avery" };
const partner: Identity = { platform: "web", userId: "pat", teamId: "T-PARTNER", name: "Pat" };
const stranger: Identity = { platform: "web", userId: "sam", teamId: "T-OTHER", name: "Sam" };
const channel = { platform: "web" as const, channelId: "shared-1" };

let requestSeq = 0;
const rid = () => `r${++requestSeq}-${Date.now()}`;

function setup(extra: Partial<ConversationDeps> = {}) {
  const chat = new RecordingChat();
  const deps = redisCoreDeps(redis, prefix, { chat, partners: new ListedPartners(["pat"], "web"), ...extra });
  return { chat, deps, conversation: new OffboardConversation(deps) };
}

async function startCase(
  conversation: OffboardConversation,
  chat: RecordingChat,
  channelId: string,
  by = partner,
): Promise<Case> {
  await conversation.handle({
    kind: "message",
    mentionsBot: true,
    direct: false,
    text: "start",
    actor: by,
    location: { ...channel, channelId },
    requestId: rid(),
  });
  const caseMessage = chat.sent.find((s) => s.kind === "post" && s.body.text.startsWith("OFB-"));
  const deps = (conversation as unknown as { deps: ConversationDeps }).deps;
  const id = await deps.cases.findByLocation({ ...channel, channelId });
  expect(caseMessage).toBeDefined();
  return (await deps.cases.get(id!))!;
}

function thread(value: Case) {
  return { ...channel, channelId: value.locations[0].channelId, threadId: value.caseMessage!.messageId };
}

/** Words `actor` writes in the case thread: a reply, or addressed to the bot with `mentionsBot`. */
function inThread(value: Case, actor: Identity, text: string, mentionsBot = false): Inbound {
  return { kind: "message", mentionsBot, direct: false, text, actor, location: thread(value), requestId: rid() };
}

async function answerAll(conversation: OffboardConversation, value: Case, by: Identity): Promise<void> {
  for (const answer of validTicketAnswers({
    approver: "<@cora|Cora>",
    partnerRep: "<@pat|Pat>",
    recipient: "<@cora|Cora>",
  })) {
    await conversation.handle(inThread(value, by, answer.text));
  }
}

const approve = (value: Case, party: string, by: Identity, hash = shortHash(approvalHash(value))): ActionInbound => ({
  kind: "action",
  actionId: "signoff.approve",
  value: `${value.id}:${party}:${hash}`,
  actor: by,
  location: thread(value),
  requestId: rid(),
});

describe("the conversation (core, real Redis)", () => {
  it("runs a ticket by thread replies to three sign-offs and approval", async () => {
    const { chat, deps, conversation } = setup();
    let value = await startCase(conversation, chat, "c-full");
    expect(value.id).toMatch(/^OFB-\d{4}-\d{4}$/);
    await answerAll(conversation, value, partner);
    value = (await deps.cases.get(value.id))!;
    expect(value.status).toBe("awaiting_signoff");
    expect(value.accounts).toEqual(["222222222222", "333344445555"]);
    expect(value.members.customer.map((m) => m.userId)).toEqual(["cora"]);
    expect(chat.texts("post").some((t) => t.startsWith(`Ticket for ${value.id} complete`))).toBe(true);

    await conversation.handle(inThread(value, partner, "assign aws <@avery|Avery>", true));
    value = (await deps.cases.get(value.id))!;
    await pressAndApprove(conversation, approve(value, "customer", customer));
    await pressAndApprove(conversation, approve(value, "aws", aws));
    await pressAndApprove(conversation, approve(value, "partner", partner));
    value = (await deps.cases.get(value.id))!;
    expect(value.status).toBe("approved");
    expect(value.signOffs.map((s) => s.party).sort()).toEqual(["aws", "customer", "partner"]);
    const verdict = await verifyCaseAudit(deps.audit as RedisAuditLog, value.id);
    expect(verdict.ok).toBe(true);
    const actions = (await deps.audit.read(value.id)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "case.created",
        "ticket.answered",
        "ticket.completed",
        "party.aws_assigned",
        "signoff.recorded",
        "case.approved",
      ]),
    );
  });

  it("re-asks a question with the reason when an answer is bad", async () => {
    const { chat, deps, conversation } = setup();
    const value = await startCase(conversation, chat, "c-bad");
    await conversation.handle(inThread(value, partner, "Acme"));
    await conversation.handle(inThread(value, partner, "<@cora>"));
    await conversation.handle(inThread(value, partner, "Leave"));
    await conversation.handle(inThread(value, partner, "2001-01-01"));
    const last = chat.last("post")!;
    expect(last.body.text).toMatch(/That answer was not accepted: .*past/);
    expect(last.body.text).toMatch(/Target date/i);
    expect((await deps.cases.get(value.id))!.ticket.answers.targetDate).toBeUndefined();
  });

  it("refuses ticket answers from someone who is neither a customer approver nor the partner", async () => {
    const { chat, deps, conversation } = setup();
    const value = await startCase(conversation, chat, "c-stranger");
    await conversation.handle(inThread(value, stranger, "Evil Corp"));
    expect(chat.last("ephemeral")!.to).toEqual(stranger);
    expect(chat.last("ephemeral")!.body.text).toMatch(/only the customer's approvers or a partner member/i);
    expect((await deps.cases.get(value.id))!.ticket.answers.customerName).toBeUndefined();
  });

  it("refuses a customer on the partner button, records the denial, and changes nothing else", async () => {
    const { chat, deps, conversation } = setup();
    let value = await startCase(conversation, chat, "c-deny");
    await answerAll(conversation, value, partner);
    value = (await deps.cases.get(value.id))!;
    await pressAndApprove(conversation, approve(value, "partner", customer));
    expect(chat.last("ephemeral")!.body.text).toMatch(/only a partner member can approve for the partner/i);
    const after = (await deps.cases.get(value.id))!;
    expect(after.signOffs).toHaveLength(0);
    expect((await deps.audit.read(value.id)).filter((e) => e.action === "signoff.denied")).toHaveLength(1);
  });

  it("refuses a stale approval after an edit voids the sign-offs, and asks again", async () => {
    const { chat, deps, conversation } = setup();
    let value = await startCase(conversation, chat, "c-stale");
    await answerAll(conversation, value, partner);
    value = (await deps.cases.get(value.id))!;
    await pressAndApprove(conversation, approve(value, "customer", customer));
    const oldHash = shortHash(approvalHash(value));
    await conversation.handle(inThread(value, customer, "edit goal", true));
    let edited = (await deps.cases.get(value.id))!;
    expect(edited.status).toBe("collecting");
    expect(edited.signOffs).toHaveLength(0);
    await conversation.handle(inThread(value, customer, "Run our own AWS organization, with care"));
    edited = (await deps.cases.get(value.id))!;
    expect(edited.status).toBe("awaiting_signoff");
    await pressAndApprove(conversation, approve(value, "customer", customer, oldHash));
    expect(chat.last("ephemeral")!.body.text).toMatch(/older version/);
    expect((await deps.cases.get(value.id))!.signOffs).toHaveLength(0);
  });

  it("does a repeated request (same request id) once", async () => {
    const { chat, deps, conversation } = setup();
    let value = await startCase(conversation, chat, "c-retry");
    const reply: Inbound = {
      kind: "message",
      mentionsBot: false,
      direct: false,
      text: "Acme",
      actor: partner,
      location: thread(value),
      requestId: "same-event-id-1",
    };
    await conversation.handle(reply);
    await conversation.handle(reply);
    value = (await deps.cases.get(value.id))!;
    expect(value.ticket.answers.customerName).toBe("Acme");
    expect((await deps.audit.read(value.id)).filter((e) => e.action === "ticket.answered")).toHaveLength(1);
  });

  it("does the platform's retry of a request whose chat call failed half-way", async () => {
    const { chat, deps, conversation } = setup();
    const value = await startCase(conversation, chat, "c-flaky");
    const post = chat.post.bind(chat);
    let failures = 1;
    chat.post = async (where, body) => {
      if (failures-- > 0) throw new Error("chat API unavailable");
      return post(where, body);
    };
    const reply: Inbound = {
      kind: "message",
      mentionsBot: false,
      direct: false,
      text: "Acme",
      actor: partner,
      location: thread(value),
      requestId: "flaky-event-1",
    };
    await expect(conversation.handle(reply)).rejects.toThrow("chat API unavailable");
    await conversation.handle(reply);
    const last = chat.last("post")!.body.text;
    expect(last).toMatch(/approves the handoff for the customer/i);
    expect(last).not.toMatch(/not accepted/);
    const stored = (await deps.cases.get(value.id))!;
    expect(stored.ticket.answers.customerName).toBe("Acme");
    expect(stored.ticket.answers.customerApprovers).toBeUndefined();
    expect((await deps.audit.read(value.id)).filter((e) => e.action === "ticket.answered")).toHaveLength(1);
  });

  it("resumes a half-filled ticket with a new conversation on the same Redis", async () => {
    const first = setup();
    const value = await startCase(first.conversation, first.chat, "c-resume");
    await first.conversation.handle(inThread(value, partner, "Acme"));
    const second = setup();
    await second.conversation.handle(inThread(value, partner, "<@cora|Cora>"));
    const stored = (await second.deps.cases.get(value.id))!;
    expect(stored.ticket.answers.customerName).toBe("Acme");
    expect(stored.members.customer.map((m) => m.userId)).toEqual(["cora"]);
    expect(second.chat.last("post")!.body.text).toMatch(/goal/i);
  });

  it("plans through the queue, binds sign-offs to the plan, and schedules the approved run", async () => {
    const calls: string[] = [];
    const holder: { conversation?: OffboardConversation } = {};
    const plan: Plan = {
      version: 0,
      createdAt: new Date().toISOString(),
      organizationId: "o-partner0001",
      managementAccountId: "111111111111",
      removalBy: "partner",
      accounts: [],
      warnings: [],
    };
    const queue: JobQueue = {
      preflight: async (id) => {
        calls.push(`preflight:${id}`);
        setImmediate(() => void holder.conversation!.workflow.planReady(id, plan));
      },
      scheduleRun: async (id, at) => void calls.push(`scheduleRun:${id}:${at.toISOString().slice(0, 10)}`),
      runNow: async (id) => void calls.push(`runNow:${id}`),
      retryAccount: async () => undefined,
      cancelScheduled: async (id) => void calls.push(`cancel:${id}`),
      scheduleReminders: async (id) => void calls.push(`reminders:${id}`),
    };
    const { chat, deps, conversation } = setup({ queue });
    holder.conversation = conversation;
    let value = await startCase(conversation, chat, "c-plan");
    await answerAll(conversation, value, partner);
    await new Promise((r) => setTimeout(r, 100));
    value = (await deps.cases.get(value.id))!;
    expect(value.status).toBe("awaiting_signoff");
    expect(value.plan?.version).toBe(1);
    await conversation.handle(inThread(value, partner, "assign aws <@avery>", true));
    for (const [party, who] of [
      ["customer", customer],
      ["aws", aws],
      ["partner", partner],
    ] as const)
      await pressAndApprove(conversation, approve(value, party, who));
    value = (await deps.cases.get(value.id))!;
    expect(value.status).toBe("scheduled");
    expect(calls).toEqual(
      expect.arrayContaining([
        `preflight:${value.id}`,
        `reminders:${value.id}`,
        expect.stringMatching(new RegExp(`^scheduleRun:${value.id}:`)),
      ]),
    );
    await conversation.handle(inThread(value, customer, "run", true));
    expect(chat.last("ephemeral")!.body.text).toMatch(/only a partner member can run the handoff/i);
    // A re-plan before the run (a blocked account may be ready now): the schedule and the sign-offs go.
    await conversation.handle(inThread(value, partner, "plan refresh", true));
    expect(calls.filter((c) => c === `cancel:${value.id}`).length).toBeGreaterThan(0);
    // The queue plans again at once (setImmediate above): the new plan asks for new sign-offs.
    for (let i = 0; i < 100 && (await deps.cases.get(value.id))!.status !== "awaiting_signoff"; i++)
      await new Promise((r) => setTimeout(r, 10));
    value = (await deps.cases.get(value.id))!;
    expect(value.status).toBe("awaiting_signoff");
    expect(value.signOffs).toEqual([]);
    expect(value.plan?.version).toBe(2);
    for (const [party, who] of [
      ["customer", customer],
      ["aws", aws],
      ["partner", partner],
    ] as const)
      await pressAndApprove(conversation, approve(value, party, who));
    expect((await deps.cases.get(value.id))!.status).toBe("scheduled");
    await conversation.handle(inThread(value, partner, "run", true));
    expect((await deps.cases.get(value.id))!.status).toBe("executing");
    expect(calls).toContain(`runNow:${value.id}`);
  });

  it("keeps only the plans of the accounts still in the ticket after a re-plan with fewer accounts", async () => {
    const holder: { conversation?: OffboardConversation; deps?: ConversationDeps } = {};
    // The preflight plans exactly the case's accounts of the moment, as the real one does.
    const planTheCase = async (id: string) => {
      const current = (await holder.deps!.cases.get(id))!;
      const plan = planOf(current.accounts.length);
      plan.accounts = plan.accounts.map((a, i) => ({ ...a, accountId: current.accounts[i] }));
      await holder.conversation!.workflow.planReady(id, plan);
    };
    const queue: JobQueue = {
      preflight: async (id) => void setImmediate(() => void planTheCase(id)),
      scheduleRun: async () => undefined,
      runNow: async () => undefined,
      retryAccount: async () => undefined,
      cancelScheduled: async () => undefined,
      scheduleReminders: async () => undefined,
    };
    const { chat, deps, conversation } = setup({ queue });
    Object.assign(holder, { conversation, deps });
    const value = await startCase(conversation, chat, "c-replan-fewer");
    await answerAll(conversation, value, partner);
    const planned = async (version: number) => {
      for (let i = 0; i < 200 && (await deps.cases.get(value.id))!.plan?.version !== version; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect((await deps.cases.get(value.id))!.plan?.version).toBe(version);
    };
    await planned(1);
    const key = new RedisKeys(prefix).case(value.id);
    const planFields = async () => (await redis.hkeys(key)).filter((f) => f.startsWith("plan:")).sort();
    expect(await planFields()).toEqual(["plan:222222222222", "plan:333344445555"]);

    await conversation.handle(inThread(value, partner, "edit accountIds", true));
    await conversation.handle(inThread(value, partner, "222222222222"));
    await planned(2);
    expect(await planFields()).toEqual(["plan:222222222222"]);
    const header = (await deps.cases.get(value.id))!.plan!;
    expect(planMatchesFingerprint(header, await deps.cases.accountPlans(value.id, ["222222222222"]))).toBe(true);
  });

  it("keeps an AWS approver from being a customer approver or partner member", async () => {
    const { chat, deps, conversation } = setup();
    const value = await startCase(conversation, chat, "c-assign");
    await answerAll(conversation, value, partner);
    await conversation.handle(inThread(value, partner, "assign aws <@cora>", true));
    expect(chat.last("ephemeral")!.body.text).toMatch(/customer approver and cannot also approve for AWS/);
    await conversation.handle(inThread(value, customer, "assign aws <@avery>", true));
    expect(chat.last("ephemeral")!.body.text).toMatch(/only a partner member/i);
    expect((await deps.cases.get(value.id))!.members.aws).toHaveLength(0);
  });
});
