import pino from "pino";
import { cardOf, cardText, executeActions, type ConnectorCall } from "../support/bot-connector";
import { planOf, seedPlannedCase } from "../support/plan-fixture";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";

/**
 * An AWS approver named by e-mail (`assign aws <address>`) is recognised when they act in the case's Teams thread:
 * Teams activities carry no address, so Offboard asks the Bot Connector for the member (`GET …/members/<id>`) and binds
 * the person whose directory gives that address. Through the Teams stack over HTTP, with the loopback connector.
 */
const partner: TeamsPerson = { aad: "aad-pia", name: "Pia Partner", tenant: "tenant-partner" };
const customer: TeamsPerson = { aad: "aad-cleo", name: "Cleo Customer", tenant: "tenant-customer" };
// Her directory writes her address in capitals; the partner types it in lower case.
const avery: TeamsPerson = { aad: "aad-avery", name: "Avery Aws", tenant: "tenant-aws", email: "Avery@AWS.example" };
const bert: TeamsPerson = { aad: "aad-bert", name: "Bert", tenant: "tenant-customer", email: "bert@customer.example" };
// The customer's admin wrote the AWS approver's address into a customer user's `mail`; her UPN is the customer's.
const mallory: TeamsPerson = {
  aad: "aad-mallory",
  name: "Mallory",
  tenant: "tenant-customer",
  email: "avery@aws.example",
  userPrincipalName: "mallory@customer.example",
};
// A guest of the customer's tenant invited under the AWS approver's address: a guest's UPN is the host tenant's.
const guest: TeamsPerson = {
  aad: "aad-guest",
  name: "Avery (guest)",
  tenant: "tenant-customer",
  email: "avery@aws.example",
  userPrincipalName: "avery_aws.example#EXT#@customer.onmicrosoft.com",
};
const caseMessageId = "1800000700001";
const caseId = "OFB-2026-7001";

const logged: { msg: string; userId?: string }[] = [];
const logger = pino(
  { level: "warn" },
  { write: (line: string) => void logged.push(JSON.parse(line) as { msg: string; userId?: string }) },
);

let stack: TeamsStack;
let signOff: ConnectorCall;

const caseNow = async () => (await stack.cases.get(caseId))!;
const memberCallsFor = (who: TeamsPerson) =>
  stack.connector.calls.filter((c) => c.kind === "member" && c.activityId === `29:${who.aad}`);
const approveForAws = () =>
  executeActions(cardOf(signOff)).find((a) => a.verb === "signoff.approve" && a.data.value!.includes(":aws:"))!;
const joined = async () => (await stack.audit.read(caseId)).filter((e) => e.action === "party.aws_joined");

beforeAll(async () => {
  stack = await TeamsStack.start({
    label: "teams-people-by-email",
    people: [partner, customer, avery, bert, mallory, guest],
    partners: [partner],
    channel: "19:people-by-email@thread.tacv2",
    logger,
  });
  await seedPlannedCase(stack.cases, {
    id: caseId,
    channel: { platform: "teams", channelId: stack.channel, teamId: partner.tenant },
    caseMessageId,
    plan: planOf(2),
    customer: [{ platform: "teams", userId: customer.aad, teamId: customer.tenant, name: customer.name }],
    by: { platform: "teams", userId: partner.aad, teamId: partner.tenant, name: partner.name },
  });
  await stack.say(partner, "<at>Offboard</at> assign aws avery@aws.example", caseMessageId);
  const before = stack.connector.calls.length;
  await stack.say(partner, "<at>Offboard</at> approve", caseMessageId);
  signOff = stack.connector.calls.slice(before).find((c) => cardText(cardOf(c)).startsWith(`Sign-off for ${caseId}`))!;
}, 30_000);
afterAll(async () => stack?.close());

describe("an AWS approver named by e-mail, acting on Teams", () => {
  it("waits as the address until someone with it acts", async () => {
    expect((await caseNow()).members.aws).toEqual([
      { platform: "teams", userId: "email:avery@aws.example", email: "avery@aws.example" },
    ]);
    // The partner's own acts never ask the connector: a partner member is no AWS approver.
    expect(stack.connector.calls.filter((c) => c.kind === "member")).toEqual([]);
  });

  it("does not bind someone whose directory gives another address, and asks about them once", async () => {
    for (let i = 0; i < 2; i++) {
      const refused = await stack.invoke(bert, signOff.activityId, caseMessageId, approveForAws());
      expect(cardText(refused.value)).toMatch(/only the AWS approver can approve for AWS/i);
    }
    expect((await caseNow()).members.aws.map((m) => m.userId)).toEqual(["email:avery@aws.example"]);
    expect(await joined()).toEqual([]);
    // The second press found the answer kept in Redis.
    expect(memberCallsFor(bert)).toHaveLength(1);
    expect(memberCallsFor(bert)[0].conversationId).toBe(stack.channel);
  });

  it.each([
    ["a user whose mail was set to it, signing in under another domain", mallory],
    ["a guest invited under it", guest],
  ])("does not bind %s: only an address in the domain of the sign-in name counts", async (_who, person) => {
    const refused = await stack.invoke(person, signOff.activityId, caseMessageId, approveForAws());
    expect(cardText(refused.value)).toMatch(/only the AWS approver can approve for AWS/i);
    expect(memberCallsFor(person)).toHaveLength(1);
    expect((await caseNow()).members.aws.map((m) => m.userId)).toEqual(["email:avery@aws.example"]);
    expect(await joined()).toEqual([]);
  });

  it.each([503, 403])(
    "leaves her unbound when the connector answers %i, answers the press all the same, and logs why",
    async (status) => {
      stack.connector.membersFailWith = status;
      try {
        const answered = await stack.invoke(avery, signOff.activityId, caseMessageId, approveForAws());
        expect(answered.type).toBe("application/vnd.microsoft.card.adaptive");
        expect(cardText(answered.value)).toMatch(/only the AWS approver can approve for AWS/i);
      } finally {
        stack.connector.membersFailWith = undefined;
      }
      expect((await caseNow()).members.aws.map((m) => m.userId)).toEqual(["email:avery@aws.example"]);
      expect(await joined()).toEqual([]);
      expect(logged.filter((l) => /could not look up a member's e-mail/.test(l.msg)).at(-1)?.userId).toBe(avery.aad);
    },
  );

  it("binds her when she acts in the case's thread, audits it there, and she approves for AWS", async () => {
    const callsBefore = memberCallsFor(avery).length;
    const form = await stack.invoke(avery, signOff.activityId, caseMessageId, approveForAws());
    // A failed lookup was kept nowhere: this press asked again.
    expect(memberCallsFor(avery)).toHaveLength(callsBefore + 1);
    expect(cardText(form.value)).toMatch(/You approve offboarding \*\*Acme Corp\*\* \(OFB-2026-7001\) for \*\*AWS\*\*/);
    expect((await caseNow()).members.aws).toEqual([
      { platform: "teams", userId: avery.aad, teamId: avery.tenant, name: avery.name, email: "avery@aws.example" },
    ]);
    const events = await joined();
    expect(events.map((e) => [e.actor, e.party, e.where, e.payload])).toEqual([
      [`teams:${avery.aad}@${avery.tenant}`, "aws", `teams:${stack.channel}/${caseMessageId}`, { userId: avery.aad }],
    ]);

    const submit = executeActions(form.value).find((a) => a.verb === "offboard.form.submit")!;
    const result = await stack.invoke(avery, signOff.activityId, caseMessageId, submit);
    expect(cardText(result.value)).toMatch(/Approved for AWS/);
    expect(cardText(result.value)).toMatch(/AWS: ✅ @Avery Aws/);
    expect((await caseNow()).signOffs.map((s) => [s.party, s.by.userId])).toEqual([["aws", avery.aad]]);
  });

  it("asks the connector no more once no one waits to be recognised by e-mail", async () => {
    const asked = stack.connector.calls.filter((c) => c.kind === "member").length;
    await stack.say(avery, "<at>Offboard</at> status", caseMessageId);
    await stack.invoke(bert, signOff.activityId, caseMessageId, approveForAws());
    expect(stack.connector.calls.filter((c) => c.kind === "member")).toHaveLength(asked);
    expect(await joined()).toHaveLength(1);
  });
});
