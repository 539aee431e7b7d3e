import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { testAuditKeys } from "../support/audit-keys";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { RedisLinkCodeStore } from "../../adapters/redis/link-code-store";
import { decide, statesOf, type Act, type Role } from "../../src/authority";
import type { Case } from "../../src/case";
import type { CaseStatus } from "../../src/case-status";
import { buttonOf, type ButtonAction } from "../../src/conversation/buttons";
import { ListedPartners } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { ChatLocation, Identity } from "../../src/identity";
import { newLinkCode } from "../../src/link-code";
import type { Inbound } from "../../src/ports";
import { approvalHash, shortHash } from "../../src/signoff";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * The authority table, walked act × person × case state through the real conversation and Redis: every handler
 * must refuse exactly what the table refuses (audited `<act>.denied`, `signoff.denied` for approvals) and let
 * through what it allows. The people's roles are written here by hand, not computed by the code under test.
 */
const { redis, prefix, cleanup } = testRedis("authority");
afterAll(cleanup);

const person = (userId: string, teamId: string): Identity => ({ platform: "web", userId, teamId, name: userId });
const people = {
  partner: person("pat", "T-PARTNER"),
  customerApprover: person("cora", "T-CUSTOMER"),
  awsApprover: person("avery", "T-AWS"),
  recipientOnly: person("rita", "T-CUSTOMER"),
  customerColleague: person("colin", "T-CUSTOMER"),
};
type Persona = keyof typeof people;
const rolesByHand: Record<Persona, Role[]> = {
  partner: ["anyone", "case_channel_member", "partner_member"],
  customerApprover: ["anyone", "case_channel_member", "customer_approver"],
  awsApprover: ["anyone", "case_channel_member", "aws_approver"],
  recipientOnly: ["anyone", "case_channel_member", "credential_recipient"],
  customerColleague: ["anyone", "case_channel_member"],
};

const chat = new RecordingChat();
const cases = new RedisCaseStore(redis, prefix);
const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
const linkCodes = new RedisLinkCodeStore(redis, prefix, testAuditKeys.current.secret);
const conversation = new OffboardConversation({
  cases,
  audit,
  chat,
  idempotency: new RedisIdempotencyStore(redis, prefix),
  partners: new ListedPartners(["pat"], "web"),
  clock: { now: () => new Date() },
  linkCodes,
});
let seq = 0;
const rid = () => `authority-${++seq}`;

/** A case whose ticket the form completed, as a template: each check gets its own copy in its own channel. */
let template: Case;

beforeAll(async () => {
  const home = { platform: "web" as const, channelId: "C-template", teamId: "T-PARTNER" };
  await conversation.handle({ ...words("start", home, true), actor: people.partner });
  const id = (await cases.findByLocation(home))!;
  const values = Object.fromEntries(
    validTicketAnswers({ approver: "<@cora|cora>", partnerRep: "<@pat|pat>", recipient: "<@rita|rita>" }).map((a) => [
      a.field,
      a.text === "skip" ? "" : a.text,
    ]),
  );
  const outcome = await conversation.handle({
    kind: "form",
    actor: people.partner,
    requestId: rid(),
    callbackId: id,
    values,
  });
  await outcome.after;
  template = (await cases.get(id))!;
  template = { ...template, members: { ...template.members, aws: [people.awsApprover] } };
  expect(template.status).toBe("awaiting_signoff");
});

function words(text: string, location: ChatLocation, mention = true) {
  return {
    kind: "message" as const,
    requestId: rid(),
    text,
    mentionsBot: mention,
    direct: false,
    location,
  };
}

/** A copy of the template in `status`, in a channel of its own. */
async function caseIn(status: CaseStatus): Promise<Case> {
  const n = ++seq;
  const channel = { platform: "web" as const, channelId: `C-auth-${n}`, teamId: "T-PARTNER" };
  const id = `OFB-2099-${String(n).padStart(4, "0")}`;
  const caseMessage = { platform: "web" as const, channelId: channel.channelId, messageId: `m-${n}` };
  // Collecting: a question is open (the goal), as after `edit goal`.
  const ticket =
    status === "collecting" ? { ...template.ticket, cursor: "goal", completedAt: undefined } : template.ticket;
  const value: Case = { ...template, id, status, ticket, locations: [channel], caseMessage, signOffs: [], version: 1 };
  const stored = await cases.create(value);
  await cases.bindLocation(channel, id);
  await cases.bindLocation({ ...channel, threadId: caseMessage.messageId }, id);
  return stored;
}

const thread = (value: Case) => ({ ...value.locations[0], threadId: value.caseMessage!.messageId });
const press = (value: Case, action: ButtonAction) => {
  const button = buttonOf(action, "press");
  return {
    kind: "action" as const,
    requestId: rid(),
    actionId: button.actionId,
    value: button.value,
    location: thread(value),
  };
};

/** `join <code>` with a fresh code of the case, in a conversation of its own (the code is the proof, not the place). */
async function joinWithFreshCode(value: Case): Promise<Omit<Inbound, "actor">> {
  const code = newLinkCode();
  const now = new Date();
  await linkCodes.save(
    linkCodes.hashOf(code),
    {
      caseId: value.id,
      issuedBy: people.partner,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 900_000).toISOString(),
    },
    3600,
  );
  return words(`join ${code}`, { platform: "web", channelId: `C-join-${++seq}`, teamId: "T-CUSTOMER" });
}

/** How each act is done, as a person would do it. */
const attempts: Partial<Record<Act, (value: Case) => Omit<Inbound, "actor"> | Promise<Omit<Inbound, "actor">>>> = {
  answer: (v) => words("Acme Corporation", thread(v), false),
  edit: (v) => words("edit goal", thread(v)),
  cancel: (v) => words("cancel", thread(v)),
  assign: (v) => words("assign aws <@avery2|Avery Two>", thread(v)),
  show_signoff: (v) => words("approve", thread(v)),
  run: (v) => words("run", thread(v)),
  retry: (v) => words("retry 222222222222", thread(v)),
  credentials: (v) => words("credentials 222222222222", thread(v)),
  code: (v) => words("code 222222222222 ABC123", thread(v)),
  status: (v) => words("status", thread(v)),
  plan: (v) => words("plan", thread(v)),
  plan_refresh: (v) => words("plan refresh", thread(v)),
  export: (v) => words("export", thread(v)),
  link: (v) => words("link", thread(v)),
  join: joinWithFreshCode,
  unlink: (v) => words("unlink", thread(v)),
  form: (v) => press(v, { id: "ticket.form", caseId: v.id }),
  channel_create: (v) => press(v, { id: "channel.create", caseId: v.id }),
  approve_customer: (v) =>
    press(v, { id: "signoff.approve", caseId: v.id, party: "customer", fingerprint: shortHash(approvalHash(v)) }),
  approve_aws: (v) =>
    press(v, { id: "signoff.approve", caseId: v.id, party: "aws", fingerprint: shortHash(approvalHash(v)) }),
  approve_partner: (v) =>
    press(v, { id: "signoff.approve", caseId: v.id, party: "partner", fingerprint: shortHash(approvalHash(v)) }),
};

const auditName = (act: Act) => (act.startsWith("approve_") ? "signoff" : act);

/** The `<act>.denied` events of the case that name `actor`. */
async function deniedTo(value: Case, act: string, actor: Identity) {
  return (await audit.read(value.id)).filter(
    (e) => e.action === `${act}.denied` && e.actor === `web:${actor.userId}@${actor.teamId}`,
  );
}
const allStatuses = statesOf("status");

describe.each(Object.keys(attempts) as Act[])("the authority table for %s", (act) => {
  it.each(allStatuses)("refuses exactly whom and when the table refuses, in state %s", async (status) => {
    for (const persona of Object.keys(people) as Persona[]) {
      // `answer` means anything only while a question is open; elsewhere the words are chat, read by no one.
      if (act === "answer" && status !== "collecting") continue;
      const value = await caseIn(status);
      const actor = people[persona];
      await conversation.handle({ ...(await attempts[act]!(value)), actor } as Inbound);
      const denied = await deniedTo(value, auditName(act), actor);
      const expected = decide(act, new Set(rolesByHand[persona]), status);
      // An approval button pressed outside the sign-off is a stale button: refused as such, nothing to audit.
      const stale = act.startsWith("approve_") && status !== "awaiting_signoff";
      const seen = denied.map((e) => (e.payload as { because: string }).because);
      expect({ persona, status, denied: seen }).toEqual({
        persona,
        status,
        denied: expected.ok || stale ? [] : [expected.because],
      });
    }
  });
});

describe("the answer buttons of a choice question", () => {
  it("ask the table's `answer` entry: refused exactly to whom a typed answer is refused", async () => {
    for (const persona of Object.keys(people) as Persona[]) {
      const value = await caseIn("collecting");
      // The open question is a yes/no one, answered by its buttons.
      await cases.update(value.id, (c) => ({ ...c, ticket: { ...c.ticket, cursor: "accountsPayableInformed" } }));
      const actor = people[persona];
      await conversation.handle({
        ...press(value, { id: "ticket.choice", caseId: value.id, field: "accountsPayableInformed", choice: "yes" }),
        actor,
      } as Inbound);
      const denied = await deniedTo(value, "answer", actor);
      const expected = decide("answer", new Set(rolesByHand[persona]), "collecting");
      expect({ persona, denied: denied.length }).toEqual({ persona, denied: expected.ok ? 0 : 1 });
    }
  });
});

describe("the date picker of a date question", () => {
  it("asks the table's `answer` entry: a picked day is refused exactly to whom a typed answer is refused", async () => {
    for (const persona of Object.keys(people) as Persona[]) {
      const value = await caseIn("collecting");
      await cases.update(value.id, (c) => ({ ...c, ticket: { ...c.ticket, cursor: "targetDate" } }));
      const actor = people[persona];
      await conversation.handle({
        ...press(value, { id: "ticket.date", caseId: value.id, field: "targetDate" }),
        picked: new Date(Date.now() + 40 * 86400_000).toISOString().slice(0, 10),
        actor,
      } as Inbound);
      const denied = await deniedTo(value, "answer", actor);
      const expected = decide("answer", new Set(rolesByHand[persona]), "collecting");
      expect({ persona, denied: denied.length }).toEqual({ persona, denied: expected.ok ? 0 : 1 });
    }
  });
});

describe("the plan's Details button", () => {
  it.each(allStatuses)("asks the table's `plan` entry, in state %s", async (status) => {
    for (const persona of Object.keys(people) as Persona[]) {
      const value = await caseIn(status);
      const actor = people[persona];
      const outcome = await conversation.handle({
        ...press(value, { id: "plan.details", caseId: value.id }),
        actor,
      } as Inbound);
      const denied = await deniedTo(value, "plan", actor);
      const expected = decide("plan", new Set(rolesByHand[persona]), status);
      expect({ persona, status, denied: denied.length }).toEqual({ persona, status, denied: expected.ok ? 0 : 1 });
      // Only an allowed press shows the details.
      if (!expected.ok) expect(outcome.openView).toBeUndefined();
    }
  });
});

describe("a case is visible only in its own channel", () => {
  it("answers `status <id>` from another channel exactly as for an unknown id", async () => {
    const value = await caseIn("awaiting_signoff");
    const elsewhere = { platform: "web" as const, channelId: "C-someone-else", teamId: "T-PARTNER" };
    chat.clear();
    await conversation.handle({ ...words(`status ${value.id}`, elsewhere), actor: people.customerColleague });
    await conversation.handle({ ...words("status OFB-2099-9999", elsewhere), actor: people.customerColleague });
    const [known, unknown] = chat.texts("ephemeral");
    expect(known.replace(value.id, "<id>")).toBe(unknown.replace("OFB-2099-9999", "<id>"));
    expect(chat.sent.map((s) => JSON.stringify(s.body)).join()).not.toContain("Acme");
  });
});
