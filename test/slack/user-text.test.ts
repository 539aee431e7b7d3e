import { people, startSlackHarness, validTicketAnswers, type SlackHarness } from "../support/slack-harness";
import { messageText, type RecordedCall } from "../support/slack-web-api";

/**
 * Words people wrote are data, never markup, in everything the bot posts on Slack: the real Bolt app on signed
 * requests, the ticket answered in the thread with a customer name and a goal that try to close the summary's
 * code block, ping the channel, post a link in the bot's voice, format text and mention someone.
 */
const channel = "CUSERTEXT1";
const forged = "``` <!channel> <https://evil.example|Open your root credentials> *bold* <@UPARTNER>";
const customerName = `Acme ${forged}`;
const goal = `Leave. ${forged} _now_ ~x~ R&D`;
const refusedDate = "*soon* <!here> _x_ ~y~ `z`";

let h: SlackHarness;
let posted: RecordedCall[];

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-user-text", partnerUsers: [people.partner.id] });
  h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
  await h.act(h.slack.command(people.partner, channel, "start"));
  const value = await h.caseIn(channel);
  const answers = validTicketAnswers({ customerName, goal });
  await h.answerTicket(people.partner, value.id, answers, (f) => f === "customerName" || f === "customerApprovers");
  await h.answerTicket(people.customer, value.id, answers, (f) => f === "goal");
  // A refused target date: the refusal quotes the words back, in prose (not in code).
  const thread = (await h.reload(value)).caseMessage!;
  await h.act(h.slack.reply(people.customer, thread.channelId, thread.messageId, refusedDate));
  await h.answerTicket(people.customer, value.id, answers);
  expect((await h.reload(value)).status).toBe("awaiting_signoff");
  posted = h.web.history.filter((c) => ["chat.postMessage", "chat.update", "chat.postEphemeral"].includes(c.method));
}, 30_000);

afterAll(async () => {
  await h.close();
});

/**
 * Every piece of mrkdwn of a call: the top-level `text` and each mrkdwn text object of its blocks. (Plain-text
 * objects, the header for one, are shown as they are: Slack parses no markup in them.)
 */
function everything(call: RecordedCall): string {
  const parts: string[] = [String(call.args.text ?? "")];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      const node = value as Record<string, unknown>;
      if (node.type === "mrkdwn" && typeof node.text === "string") parts.push(node.text);
      Object.values(node).forEach(walk);
    }
  };
  walk(call.args.blocks);
  return parts.join("\n");
}

describe("words people wrote, as the Slack Web API receives them", () => {
  it("stored the answers as typed", async () => {
    const value = await h.caseIn(channel);
    expect(value.customerName).toBe(customerName);
    expect(value.ticket.answers.goal).toBe(goal);
  });

  it("never sends a typed special mention, link or user mention unescaped, in text or blocks", () => {
    const withAnswers = posted.filter((c) => everything(c).includes("Open your root credentials"));
    expect(withAnswers.length).toBeGreaterThanOrEqual(1);
    for (const call of posted) {
      const text = everything(call);
      expect(text).not.toMatch(/<!channel>|<!here>|<https?:|<@UPARTNER>/);
    }
    expect(withAnswers.map(everything).join("\n")).toContain(
      "&lt;!channel&gt; &lt;https://evil.example|Open your root credentials&gt;",
    );
  });

  it("keeps the ticket summary's code block whole around a typed ```", () => {
    const summary = posted.find((c) => String(c.args.text).startsWith("Ticket for "));
    expect(summary).toBeDefined();
    const blocks = summary!.args.blocks as { type: string; text?: { text: string } }[];
    const code = blocks.find((b) => b.text?.text.startsWith("```"))!.text!.text;
    expect(code.endsWith("```")).toBe(true);
    expect(code.slice(3, -3)).not.toContain("```");
    expect(code).toMatch(/Goal: Leave\. .*&lt;!channel&gt;.* R&amp;D/);
    expect(code).toMatch(/Customer company: Acme /);
  });

  it("shows the header, a plain-text object, exactly as typed", () => {
    const caseMessage = posted.filter((c) => c.method === "chat.update").at(-1)!;
    expect(messageText(caseMessage.args)).toContain(`Offboarding ${customerName} — `);
  });

  it("leaves no typed bold, italics, strike-through, code or ping for Slack to format in prose", () => {
    const refusal = posted.find((c) => everything(c).includes("That answer was not accepted"));
    expect(refusal).toBeDefined();
    const text = everything(refusal!);
    expect(text).not.toContain("<!here>");
    expect(text).not.toContain(refusedDate);
    // Each typed formatting character sits between zero-width spaces, inside a "word": Slack formats nothing.
    const z = "\u200b";
    expect(text).toContain(
      `"${z}*${z}soon${z}*${z} &lt;!here&gt; ${z}_${z}x${z}_${z} ${z}~${z}y${z}~${z} ${z}\`${z}z${z}\`${z}"`,
    );
  });
});
