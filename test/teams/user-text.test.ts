import { cardOf, cardText, type ConnectorCall } from "../support/bot-connector";
import { TeamsStack, type TeamsPerson } from "../support/teams-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * Words people wrote are data, never markup, in the cards the bot posts on Teams: a customer name and a goal that
 * try to close the ticket summary's code block, ping the channel, post a markdown link in the bot's voice, format
 * text and mention someone, typed in the reply chain of the case and sent through the Teams stack.
 */
const partner: TeamsPerson = { aad: "aad-pat", name: "Pat Partner", tenant: "tenant-partner" };
const customer: TeamsPerson = { aad: "aad-cora", name: "Cora Customer", tenant: "tenant-customer" };
const forged =
  "``` <!channel> <https://evil.example|Open your root credentials> [Open your root credentials](https://evil.example) *bold* <@UPARTNER>";
const customerName = `Acme ${forged}`.slice(0, 120);
const goal = `Leave. ${forged} _now_`;

let stack: TeamsStack;
let cards: { call: ConnectorCall; card: { body: Record<string, unknown>[]; fallbackText: string } }[];

beforeAll(async () => {
  stack = await TeamsStack.start({ label: "teams-user-text", people: [partner, customer], partners: [partner] });
  await stack.say(partner, "<at>Offboard</at> start");
  const caseMessageId = stack.connector.calls.find((c) => c.kind === "send")!.activityId;
  const answers = validTicketAnswers({
    approver: `<at>${customer.name}</at>`,
    partnerRep: `<at>${partner.name}</at>`,
    recipient: `<at>${customer.name}</at>`,
  }).map((a) =>
    a.field === "customerName" ? { ...a, text: customerName } : a.field === "goal" ? { ...a, text: goal } : a,
  );
  for (const answer of answers) await stack.say(partner, answer.text, caseMessageId);
  const id = await stack.cases.findByLocation({ platform: "teams", channelId: stack.channel, threadId: caseMessageId });
  const value = (await stack.cases.get(id!))!;
  expect(value.status).toBe("awaiting_signoff");
  expect(value.customerName).toBe(customerName);
  expect(value.ticket.answers.goal).toBe(goal);
  cards = stack.connector.calls
    .filter((c) => c.kind === "send" || c.kind === "reply" || c.kind === "update")
    .map((call) => ({ call, card: cardOf(call) as { body: Record<string, unknown>[]; fallbackText: string } }));
}, 30_000);

afterAll(async () => {
  await stack.close();
});

describe("words people wrote, in the cards the Bot Connector receives", () => {
  it("escapes a typed markdown link, bold and italics wherever the card shows them", () => {
    const texts = cards.filter(({ card }) => card).map(({ card }) => cardText(card));
    expect(texts.filter((t) => t.includes("Open your root credentials")).length).toBeGreaterThanOrEqual(2);
    for (const text of texts) {
      // An unescaped "[label](" is a link in card markdown; "*bold*" or "_now_" formatting.
      expect(text).not.toMatch(/(^|[^\\])\[Open your root credentials\]\(/m);
      expect(text).not.toMatch(/(^|[^\\])\*bold/m);
      expect(text).not.toMatch(/(^|[^\\])_now/m);
    }
  });

  it("keeps the ticket summary's monospace lines: a typed ``` ends nothing", () => {
    const summary = cards.find(({ card }) => card?.fallbackText?.startsWith("Ticket for "));
    expect(summary).toBeDefined();
    const [title, ...lines] = summary!.card.body;
    expect(title).toMatchObject({ size: "Large" });
    expect(lines.every((l) => l.fontType === "Monospace")).toBe(true);
    const goalLine = lines.find((l) => String(l.text).startsWith("Goal: "));
    expect(goalLine?.text).toBe(
      "Goal: Leave. \\`\\`\\` <!channel> <https://evil.example|Open your root credentials> " +
        "\\[Open your root credentials\\](https://evil.example) \\*bold\\* <@UPARTNER> \\_now\\_",
    );
    expect(lines.some((l) => String(l.text).startsWith("Customer company: Acme \\`\\`\\`"))).toBe(true);
  });

  it("names only resolved people: a typed <@UPARTNER> is neither a name nor looked up", () => {
    const all = cards
      .filter(({ card }) => card)
      .map(({ card }) => cardText(card))
      .join("\n");
    expect(all).not.toContain("@user UPARTNER");
    expect(all).not.toContain("a Slack user (…TNER)");
    expect(stack.connector.calls.filter((c) => c.kind === "member" && c.activityId.includes("UPARTNER"))).toEqual([]);
  });

  it("shows the case card's header with the name as typed, escaped for markdown, and nothing of the escaping", () => {
    const update = cards.filter(({ call, card }) => call.kind === "update" && card).at(-1)!;
    expect(
      String(update.card.body[0].text).startsWith("Offboarding Acme \\`\\`\\` <!channel> <https://evil.example|"),
    ).toBe(true);
    expect(JSON.stringify(cards.map(({ card }) => card))).not.toMatch(/[\ue000-\ue07f]/);
  });
});
