import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { createTeamsAdapter, type TeamsAdapter } from "../../adapters/teams";
import type { Case } from "../../src/case";
import { ChatRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import { cardOf, cardText, executeActions, FakeBotConnector, type ConnectorCall } from "../support/bot-connector";
import { testRedis } from "../support/redis";
import { validTicketAnswers } from "../support/ticket-answers";
import { testAuditKeys } from "../support/audit-keys";

/**
 * The Teams adapter end to end: the real botbuilder CloudAdapter over HTTP (local mode: no
 * authentication), the real OffboardConversation on the real Redis stores, and a fake Bot Connector
 * that records what the bot posts. Activities are shaped like the ones Teams sends in a shared channel.
 */
const { redis, prefix, cleanup } = testRedis("teams");

interface Person {
  aad: string;
  name: string;
  tenant: string;
}
const partner: Person = { aad: "aad-pat", name: "Pat Partner", tenant: "tenant-partner" };
const customer: Person = { aad: "aad-cora", name: "Cora Customer", tenant: "tenant-customer" };
const awsRep: Person = { aad: "aad-avery", name: "Avery AWS", tenant: "tenant-aws" };
const people = [partner, customer, awsRep];
const bot = { id: "28:offboard-bot", name: "Offboard" };
const channel = "19:shared-channel@thread.tacv2";

let connector: FakeBotConnector;
let teams: TeamsAdapter;
let server: Server;
let endpoint: string;
let cases: RedisCaseStore;
let audit: RedisAuditLog;
let sequence = 0;

beforeAll(async () => {
  connector = await FakeBotConnector.start();
  for (const p of people)
    connector.members.set(`29:${p.aad}`, { id: `29:${p.aad}`, name: p.name, aadObjectId: p.aad, tenantId: p.tenant });
  cases = new RedisCaseStore(redis, prefix);
  audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  teams = createTeamsAdapter({ appType: "MultiTenant", local: true, partnerUsers: [partner.aad], redis, prefix });
  const conversation = new OffboardConversation({
    cases,
    audit,
    idempotency: new RedisIdempotencyStore(redis, prefix),
    chat: new ChatRouter({ teams: teams.chat }),
    partners: teams.partners,
    clock: { now: () => new Date() },
  });
  teams.attach(conversation);
  const app = express();
  app.use(teams.router);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await connector.close();
  await cleanup();
});

const nextActivityId = () => `${1_800_000_000_000 + ++sequence}`;

/** `<at>Name</at>` in text, with its mention entity, the way Teams sends an @mention. */
function mentionEntities(text: string): object[] {
  const entities: object[] = [];
  for (const match of text.matchAll(/<at>([^<]+)<\/at>/g)) {
    const name = match[1];
    if (name === bot.name) entities.push({ type: "mention", text: match[0], mentioned: bot });
    const person = people.find((p) => p.name === name);
    // Teams often names a mentioned person by Bot Framework id only; here only the customer comes with an AAD id.
    if (person)
      entities.push({
        type: "mention",
        text: match[0],
        mentioned: {
          id: `29:${person.aad}`,
          name: person.name,
          ...(person === customer ? { aadObjectId: person.aad } : {}),
        },
      });
  }
  return entities;
}

function activityBase(from: Person, conversationId: string, id: string, inChannel = channel) {
  return {
    id,
    channelId: "msteams",
    serviceUrl: connector.url,
    timestamp: new Date().toISOString(),
    from: { id: `29:${from.aad}`, name: from.name, aadObjectId: from.aad },
    recipient: bot,
    conversation: { id: conversationId, conversationType: "channel", isGroup: true, tenantId: from.tenant },
    channelData: { tenant: { id: from.tenant }, channel: { id: inChannel }, team: { id: "19:team@thread.tacv2" } },
  };
}

async function postActivity(
  activity: object,
  headers: Record<string, string> = {},
  url = endpoint,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(activity),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Plain text or empty: keep it as it is.
  }
  return { status: response.status, body };
}

/** A message from `from`: top-level in the channel, or a reply in the reply chain `threadId`. */
async function say(from: Person, text: string, threadId?: string, inChannel = channel): Promise<void> {
  const id = nextActivityId();
  const conversationId = `${inChannel};messageid=${threadId ?? id}`;
  const { status } = await postActivity({
    ...activityBase(from, conversationId, id, inChannel),
    type: "message",
    text,
    textFormat: "plain",
    entities: mentionEntities(text),
  });
  expect(status).toBe(200);
}

/** Presses an Action.Execute button on a posted card (an `adaptiveCard/action` invoke). */
async function press(
  from: Person,
  cardMessageId: string,
  threadId: string,
  verb: string,
  data: object,
  inChannel = channel,
): Promise<{ type: string; value: unknown }> {
  const id = nextActivityId();
  const { status, body } = await postActivity({
    ...activityBase(from, `${inChannel};messageid=${threadId}`, id, inChannel),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: cardMessageId,
    value: { action: { type: "Action.Execute", id: "a1", verb, data }, trigger: "manual" },
  });
  expect(status).toBe(200);
  return body as { type: string; value: unknown };
}

/**
 * An approval by card: the press (checked first) answers the presser with the approval form card; its Approve
 * (Action.Execute) answers with the result above the refreshed card.
 */
async function approveByCard(
  from: Person,
  cardMessageId: string,
  threadId: string,
  action: { verb: string; data: object },
): Promise<{ form: { type: string; value: unknown }; result: { type: string; value: unknown } }> {
  const form = await press(from, cardMessageId, threadId, action.verb, action.data);
  const submit = executeActions(form.value).find((a) => a.verb === "offboard.form.submit");
  expect(submit).toBeDefined();
  const result = await press(from, cardMessageId, threadId, submit!.verb, submit!.data);
  return { form, result };
}

const thread = (caseMessageId: string) => `${channel};messageid=${caseMessageId}`;
const textsIn = (conversationId: string) => connector.postsIn(conversationId).map((c) => cardText(cardOf(c)));

async function caseOf(caseMessageId: string): Promise<Case> {
  const id = await cases.findByLocation({ platform: "teams", channelId: channel, threadId: caseMessageId });
  expect(id).toBeDefined();
  return (await cases.get(id!))!;
}

/** The latest sign-off card posted in the thread and the approve buttons on it. */
function latestSignOff(caseMessageId: string): {
  call: ConnectorCall;
  approve: Record<string, { verb: string; data: { value?: string } }>;
} {
  const call = connector
    .postsIn(thread(caseMessageId))
    .filter((c) => cardText(cardOf(c)).startsWith("Sign-off for"))
    .at(-1);
  expect(call).toBeDefined();
  const approve = Object.fromEntries(executeActions(cardOf(call)).map((a) => [a.data.value!.split(":")[1], a]));
  return { call: call!, approve };
}

describe("the Teams adapter (CloudAdapter over HTTP, fake Bot Connector, real Redis)", () => {
  let caseMessageId: string;

  it("opens a case on a top-level @mention and asks the first question in the case message's reply chain", async () => {
    await say(partner, "<at>Offboard</at> start");
    const sent = connector.calls.find((c) => c.kind === "send" && c.conversationId === channel);
    expect(sent).toBeDefined();
    const card = cardOf(sent) as { version: string; body: { size?: string; weight?: string }[] };
    expect(card.version).toBe("1.5");
    expect(card.body[0]).toMatchObject({ size: "Large", weight: "Bolder" });
    expect(cardText(card)).toMatch(/Offboarding a customer — OFB-\d{4}-\d{4}/);
    caseMessageId = sent!.activityId;
    const replies = connector.postsIn(thread(caseMessageId));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ kind: "reply", replyToId: caseMessageId });
    expect(cardText(cardOf(replies[0]))).toMatch(/What is the name of the customer company/);
    const value = await caseOf(caseMessageId);
    expect(value.createdBy).toMatchObject({ platform: "teams", userId: partner.aad, teamId: partner.tenant });
    expect(value.caseMessage).toMatchObject({ platform: "teams", channelId: channel, messageId: caseMessageId });
  });

  it("re-asks a refused answer with the reason, then takes the whole ticket from the reply chain", async () => {
    const answers = validTicketAnswers({
      approver: `<at>${customer.name}</at>`,
      partnerRep: `<at>${partner.name}</at>`,
      recipient: `<at>${customer.name}</at>`,
    });
    for (const answer of answers) {
      if (answer.field === "accountIds") {
        const before = connector.postsIn(thread(caseMessageId)).length;
        await say(partner, "12345", caseMessageId);
        const reasked = textsIn(thread(caseMessageId)).slice(before).join("\n");
        expect(reasked).toMatch(/That answer was not accepted: .*12 digits/);
        expect(reasked).toMatch(/Which AWS accounts are leaving\?/);
      }
      await say(partner, answer.text, caseMessageId);
    }
    const value = await caseOf(caseMessageId);
    expect(value.status).toBe("awaiting_signoff");
    expect(value.accounts).toEqual(["222222222222", "333344445555"]);
    expect(value.members.customer.map((m) => m.userId)).toEqual([customer.aad]);
    expect(value.ticket.answers.credentialRecipients).toEqual([
      { platform: "teams", userId: customer.aad, name: customer.name },
    ]);
    const { approve } = latestSignOff(caseMessageId);
    expect(Object.keys(approve).sort()).toEqual(["aws", "customer", "partner"]);
  });

  it("renders each approve button as an Action.Execute: the press reaches the bot before anything is shown", () => {
    const card = cardOf(latestSignOff(caseMessageId).call) as {
      body: { type: string; actions?: { type: string; title: string; verb?: string }[] }[];
    };
    const buttons = card.body.find((e) => e.type === "ActionSet")!.actions!;
    expect(buttons.map((b) => [b.type, b.title, b.verb])).toEqual([
      ["Action.Execute", "Approve for Customer", "signoff.approve"],
      ["Action.Execute", "Approve for AWS", "signoff.approve"],
      ["Action.Execute", "Approve for Partner", "signoff.approve"],
    ]);
  });

  it("names the AWS approver by @mention inside the reply chain", async () => {
    await say(partner, `<at>Offboard</at> assign aws <at>${awsRep.name}</at>`, caseMessageId);
    const value = await caseOf(caseMessageId);
    expect(value.members.aws).toEqual([{ platform: "teams", userId: awsRep.aad, name: awsRep.name }]);
    // Avery had never written: the connector was asked who `29:aad-avery` is. Pat had: no need to ask.
    const lookups = connector.calls.filter((c) => c.kind === "member").map((c) => [c.conversationId, c.activityId]);
    expect(lookups).toEqual([[channel, `29:${awsRep.aad}`]]);
  });

  it("refuses a customer pressing the partner's button, audits signoff.denied and tells them privately", async () => {
    const value = await caseOf(caseMessageId);
    const { call, approve } = latestSignOff(caseMessageId);
    const before = connector.calls.length;
    const answer = await press(customer, call.activityId, caseMessageId, approve.partner.verb, approve.partner.data);
    // Answered to that person with the card they pressed on, the refusal above it naming who may; no approval form.
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(answer.value)).toMatch(/only a partner member can approve for the partner/i);
    expect(cardText(answer.value)).toMatch(/Sign-off for OFB-/);
    expect(executeActions(answer.value).map((a) => a.verb)).not.toContain("offboard.form.submit");
    const events = await audit.read(value.id);
    expect(events.at(-1)).toMatchObject({
      action: "signoff.denied",
      party: "partner",
      actor: `teams:${customer.aad}@${customer.tenant}`,
    });
    expect((await caseOf(caseMessageId)).signOffs).toHaveLength(0);
    // Teams has no ephemeral messages: the notice goes to a 1:1 chat the bot creates with the person.
    // The bot opened that chat when it asked the customer to approve (named by mention, before their tenant was
    // known), or opens it now.
    const after = connector.calls.slice(before);
    const told = after.find((c) => c.kind === "send" && /only a partner member/i.test(cardText(cardOf(c))));
    expect(told).toBeDefined();
    const created = connector.calls.find((c) => c.kind === "create" && c.conversationId === told!.conversationId);
    expect(created?.body).toMatchObject({ isGroup: false, members: [{ id: `29:${customer.aad}` }] });
    expect(after.filter((c) => c.conversationId.startsWith(channel))).toHaveLength(0);
  });

  it("refuses the partner on the customer's button (one person approves for one party)", async () => {
    const { call, approve } = latestSignOff(caseMessageId);
    const first = await approveByCard(partner, call.activityId, caseMessageId, approve.partner);
    // The press answers with the approval form (the confirm state), its Approve with the result on the refreshed card.
    expect(cardText(first.form.value)).toMatch(/Approve for Partner.*You approve offboarding/s);
    expect(first.result.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(first.result.value)).toMatch(/Approved for Partner/);
    expect(cardText(first.result.value)).toMatch(/Partner: ✅ @Pat Partner at \w{3} \d+ \w{3} \d{4}, \d\d:\d\d UTC/);
    const second = await press(partner, call.activityId, caseMessageId, approve.customer.verb, approve.customer.data);
    expect(second.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(second.value)).toMatch(/only a customer approver can approve for the customer/i);
    const value = await caseOf(caseMessageId);
    expect(value.signOffs.map((s) => s.party)).toEqual(["partner"]);
  });

  it("refuses a stale card after an edit voided the sign-offs", async () => {
    const stale = latestSignOff(caseMessageId);
    await say(partner, "<at>Offboard</at> edit goal", caseMessageId);
    expect((await caseOf(caseMessageId)).signOffs).toHaveLength(0);
    await say(partner, "Run our own AWS organization, with our own support plan", caseMessageId);
    const fresh = latestSignOff(caseMessageId);
    expect(fresh.call.activityId).not.toBe(stale.call.activityId);
    const answer = await press(
      awsRep,
      stale.call.activityId,
      caseMessageId,
      stale.approve.aws.verb,
      stale.approve.aws.data,
    );
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(answer.value)).toMatch(/older version of the ticket or plan/);
    expect((await caseOf(caseMessageId)).signOffs).toHaveLength(0);
  });

  it("approves with three sign-offs by card actions, updating the sign-off card in place for everyone", async () => {
    const { call, approve } = latestSignOff(caseMessageId);
    const before = connector.calls.length;
    for (const [who, party] of [
      [customer, "customer"],
      [awsRep, "aws"],
      [partner, "partner"],
    ] as const) {
      const { form, result } = await approveByCard(who, call.activityId, caseMessageId, approve[party]);
      expect(form.type).toBe("application/vnd.microsoft.card.adaptive");
      expect(result.type).toBe("application/vnd.microsoft.card.adaptive");
    }
    const value = await caseOf(caseMessageId);
    expect(value.status).toBe("approved");
    expect(value.signOffs.map((s) => [s.party, s.by.userId, s.by.teamId])).toEqual([
      ["customer", customer.aad, customer.tenant],
      ["aws", awsRep.aad, awsRep.tenant],
      ["partner", partner.aad, partner.tenant],
    ]);
    const updates = connector.calls.slice(before).filter((c) => c.kind === "update");
    const signOffUpdates = updates.filter((c) => c.activityId === call.activityId);
    expect(signOffUpdates).toHaveLength(3);
    expect(cardText(cardOf(signOffUpdates.at(-1)))).toMatch(/All three parties approved/);
    expect(executeActions(cardOf(signOffUpdates.at(-1)))).toHaveLength(0);
    // The case message (the root of the reply chain) is updated in place too.
    expect(
      updates.some(
        (c) => c.activityId === caseMessageId && c.conversationId === channel && /Approved/.test(cardText(cardOf(c))),
      ),
    ).toBe(true);
    expect(textsIn(thread(caseMessageId)).join("\n")).toMatch(/All three parties approved OFB-/);
    const actions = (await audit.read(value.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "signoff.recorded")).toHaveLength(4);
    expect(actions).toContain("case.approved");
  });

  it("ignores a repeated delivery of the same activity (idempotent by activity id)", async () => {
    const id = nextActivityId();
    const activity = {
      ...activityBase(partner, `${channel};messageid=${id}`, id),
      type: "message",
      text: "<at>Offboard</at> help",
      entities: mentionEntities("<at>Offboard</at> help"),
    };
    const before = connector.calls.length;
    await postActivity(activity);
    await postActivity(activity);
    const sent = connector.calls.slice(before).filter((c) => c.kind === "send");
    expect(sent).toHaveLength(1);
    expect(cardText(cardOf(sent[0]))).toMatch(/Offboard commands/);
  });

  it("opens the whole ticket as a form card for the presser and shows a refused submission's reasons on it", async () => {
    const other = "19:second-channel@thread.tacv2";
    const before = connector.calls.length;
    await say(customer, "<at>Offboard</at> start", undefined, other);
    const caseCall = connector.calls.slice(before).find((c) => c.kind === "send" && c.conversationId === other)!;
    const formButton = executeActions(cardOf(caseCall)).find((a) => a.verb === "ticket.form")!;
    const opened = await press(
      customer,
      caseCall.activityId,
      caseCall.activityId,
      formButton.verb,
      formButton.data,
      other,
    );
    expect(opened.type).toBe("application/vnd.microsoft.card.adaptive");
    const form = opened.value as { body: { type: string; id?: string }[] };
    expect(form.body.filter((e) => e.type.startsWith("Input.")).map((e) => e.id)).toEqual(
      expect.arrayContaining(["customerName", "accountIds", "targetDate"]),
    );
    const submit = executeActions(form)[0];
    const refused = await press(
      customer,
      caseCall.activityId,
      caseCall.activityId,
      submit.verb,
      { ...submit.data, customerName: "Globex", accountIds: "12345" },
      other,
    );
    expect(refused.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(cardText(refused.value)).toMatch(/12 digits/);
    const value = (await cases.get((await cases.findByLocation({ platform: "teams", channelId: other }))!))!;
    expect(value.ticket.answers.customerName).toBeUndefined();
  });

  it("never called anything but the Bot Connector routes", () => {
    expect(connector.unexpected).toEqual([]);
    expect(connector.calls.every((c) => c.authorization === undefined)).toBe(true);
  });
});
