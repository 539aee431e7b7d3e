import { cardOf, cardText, executeActions } from "../support/bot-connector";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * Through the Teams stack (CloudAdapter over HTTP, the fake Bot Connector): the customer approver gets the sign-off
 * request in a 1:1 chat with their Approve action, choice questions carry Action.Execute buttons, and no card shows a
 * user's object id ("aad-…") or a machine timestamp.
 */
const partner: TeamsPerson = { aad: "aad-pat", name: "Pat Partner", tenant: "tenant-partner" };
const customer: TeamsPerson = { aad: "aad-cora", name: "Cora Customer", tenant: "tenant-customer" };

let stack: TeamsStack;
beforeAll(async () => {
  stack = await TeamsStack.start({ label: "ux-teams", people: [partner, customer], partners: [partner] });
}, 30_000);
afterAll(async () => stack?.close());

describe("on Teams", () => {
  it("asks the customer approver in a 1:1 chat, offers choices as actions, and shows names and local dates", async () => {
    await stack.say(partner, "<at>Offboard</at> start");
    const caseMessageId = stack.connector.calls.find((c) => c.kind === "send")!.activityId;
    const answers = validTicketAnswers({
      approver: `<at>${customer.name}</at>`,
      partnerRep: `<at>${partner.name}</at>`,
      recipient: `<at>${customer.name}</at>`,
    });
    for (const answer of answers) await stack.say(partner, answer.text, caseMessageId);
    const calls = stack.connector.calls.filter((c) => c.kind === "send" || c.kind === "reply" || c.kind === "update");
    const verbs = calls.flatMap((c) => executeActions(cardOf(c)).map((a) => a.verb));
    expect(verbs.filter((v) => v === "ticket.choice").length).toBeGreaterThanOrEqual(8);

    const opened = stack.connector.calls.find(
      (c) => c.kind === "create" && JSON.stringify(c.body).includes(`29:${customer.aad}`),
    );
    expect(opened).toBeDefined();
    const request = calls.find((c) => c.conversationId === opened!.conversationId);
    expect(cardText(cardOf(request))).toMatch(/Sign-off needed/);
    expect(executeActions(cardOf(request)).map((a) => [a.verb, a.data.value?.split(":")[1]])).toEqual([
      ["signoff.approve", "customer"],
    ]);

    const shown = calls.map((c) => cardText(cardOf(c))).join("\n");
    expect(shown).toContain("{{DATE(");
    // Teams writes its DATE and TIME functions in the reader's locale; nothing else may show a machine time.
    const words = shown.replace(/\{\{(DATE|TIME)\([^)]*\)\}\}/g, "(a date)");
    expect(words).not.toMatch(/aad-|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  }, 60_000);
});
