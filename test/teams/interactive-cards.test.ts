import { cardOf, cardText, executeActions } from "../support/bot-connector";
import { attentionOf, planOf, seedPlannedCase } from "../support/plan-fixture";
import { isoDaysFromNow } from "../support/slack-harness";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * The interactive pieces through the Teams stack (CloudAdapter over HTTP, the fake Bot Connector): the target date's
 * Input.Date, the plan's Details as an Action.ShowCard, and an approval by Action.Execute answered to the presser with
 * a refreshed card (the approval form, then the result), refusals likewise.
 */
const partner: TeamsPerson = { aad: "aad-pia", name: "Pia Partner", tenant: "tenant-partner" };
const customer: TeamsPerson = { aad: "aad-cleo", name: "Cleo Customer", tenant: "tenant-customer" };
const bystander: TeamsPerson = { aad: "aad-bert", name: "Bert Bystander", tenant: "tenant-customer" };

let stack: TeamsStack;
beforeAll(async () => {
  stack = await TeamsStack.start({
    label: "teams-interactive",
    people: [partner, customer, bystander],
    partners: [partner],
    channel: "19:interactive@thread.tacv2",
  });
}, 30_000);
afterAll(async () => stack?.close());

type CardNode = { type?: string; id?: string; title?: string; card?: { body: unknown[] }; [key: string]: unknown };

/** Every element or action of a card of this type, ShowCards included. */
function find(card: unknown, type: string): CardNode[] {
  const found: CardNode[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const n = node as CardNode;
    if (n.type === type) found.push(n);
    for (const key of ["body", "actions", "card"]) if (key in n) walk(n[key]);
  };
  walk(card);
  return found;
}

describe("on Teams", () => {
  it("answers the target date by Input.Date exactly as if typed", async () => {
    await stack.say(partner, "<at>Offboard</at> start");
    const caseMessageId = stack.connector.calls.find((c) => c.kind === "send")!.activityId;
    const answers = validTicketAnswers({
      approver: `<at>${customer.name}</at>`,
      partnerRep: `<at>${partner.name}</at>`,
      recipient: `<at>${customer.name}</at>`,
    });
    for (const answer of answers.slice(
      0,
      answers.findIndex((a) => a.field === "targetDate"),
    ))
      await stack.say(partner, answer.text, caseMessageId);

    const asked = stack.connector.calls.filter((c) => find(cardOf(c), "Input.Date").length > 0).at(-1);
    expect(asked).toBeDefined();
    const [input] = find(cardOf(asked), "Input.Date");
    const submit = executeActions(cardOf(asked)).find((a) => a.verb === "ticket.date");
    expect(submit).toBeDefined();

    // Teams merges the input's value into the action's data under the input's id.
    const day = isoDaysFromNow(40);
    await stack.invoke(partner, asked!.activityId, caseMessageId, {
      verb: submit!.verb,
      data: { ...submit!.data, [input.id!]: day },
    });
    const id = (await stack.cases.findByLocation({ platform: "teams", channelId: stack.channel }))!;
    const value = (await stack.cases.get(id))!;
    expect(value.ticket.answers.targetDate).toBe(day);
    const said = stack.connector.calls.map((c) => cardText(cardOf(c))).join("\n");
    expect(said).toMatch(/✔ Target date: \w{3} \d{1,2} \w{3} \d{4}/);
    expect((await stack.audit.read(id)).filter((e) => e.action === "ticket.answered").at(-1)?.payload).toEqual({
      field: "targetDate",
    });
  }, 60_000);

  describe("with a planned case of 200 accounts", () => {
    const caseMessageId = "1800000900001";
    let caseId: string;
    let plan: ReturnType<typeof planOf>;

    beforeAll(async () => {
      plan = planOf(200);
      const value = await seedPlannedCase(stack.cases, {
        id: "OFB-2026-8001",
        channel: { platform: "teams", channelId: stack.channel, teamId: partner.tenant },
        caseMessageId,
        plan,
        customer: [{ platform: "teams", userId: customer.aad, teamId: customer.tenant, name: customer.name }],
        by: { platform: "teams", userId: partner.aad, teamId: partner.tenant, name: partner.name },
      });
      caseId = value.id;
    });

    it("shows the plan's Details as an Action.ShowCard naming every account that needs attention", async () => {
      const before = stack.connector.calls.length;
      await stack.say(partner, "<at>Offboard</at> plan", caseMessageId);
      const planCard = stack.connector.calls
        .slice(before)
        .map(cardOf)
        .find((card) => cardText(card).includes(`Plan v1 for ${caseId}`));
      expect(planCard).toBeDefined();
      const details = find(planCard, "Action.ShowCard").find((a) => a.title === "Details");
      expect(details).toBeDefined();
      const inner = cardText(details!.card);
      for (const account of attentionOf(plan)) expect(inner).toContain(account.accountId);
      expect(inner).toContain("CTL-Role-0");
      // Within a Teams message's size (about 28 KB), with the summary around it.
      expect(JSON.stringify(planCard).length).toBeLessThan(28_000);
    });

    it("answers an approval press with the approval form, its Approve with the result; a refusal names who may", async () => {
      const before = stack.connector.calls.length;
      await stack.say(partner, "<at>Offboard</at> approve", caseMessageId);
      const signOff = stack.connector.calls
        .slice(before)
        .find((c) => cardText(cardOf(c)).startsWith(`Sign-off for ${caseId}`))!;
      const approveFor = (party: string) =>
        executeActions(cardOf(signOff)).find((a) => a.verb === "signoff.approve" && a.data.value!.includes(party))!;

      const refused = await stack.invoke(bystander, signOff.activityId, caseMessageId, approveFor(":customer:"));
      expect(refused.type).toBe("application/vnd.microsoft.card.adaptive");
      expect(cardText(refused.value)).toMatch(/only a customer approver can approve for the customer/i);
      expect(cardText(refused.value)).toContain(`@${customer.name}`);
      expect(executeActions(refused.value).map((a) => a.verb)).not.toContain("offboard.form.submit");

      const form = await stack.invoke(customer, signOff.activityId, caseMessageId, approveFor(":customer:"));
      expect(form.type).toBe("application/vnd.microsoft.card.adaptive");
      expect(cardText(form.value)).toMatch(
        /You approve offboarding \*\*Acme Corp\*\* \(OFB-2026-8001\) for \*\*Customer\*\*/,
      );
      expect(cardText(form.value)).toMatch(/200 accounts · 2000 partner artifacts to remove · 8 blocked/);
      expect((await stack.cases.get(caseId))!.signOffs).toEqual([]);

      const submit = executeActions(form.value).find((a) => a.verb === "offboard.form.submit")!;
      const result = await stack.invoke(customer, signOff.activityId, caseMessageId, submit);
      expect(result.type).toBe("application/vnd.microsoft.card.adaptive");
      expect(cardText(result.value)).toMatch(/Approved for Customer/);
      expect(cardText(result.value)).toMatch(/Customer: ✅ @Cleo Customer/);
      expect((await stack.cases.get(caseId))!.signOffs.map((s) => s.party)).toEqual(["customer"]);
    });
  });
});
