import { renderMessage } from "../../adapters/slack/block-kit";
import { adaptiveCard } from "../../adapters/teams/adaptive-card";
import { dateText } from "../../src/date-text";
import { button, actions, fields, header, message, text } from "../../src/message";

/** One date token, each platform's own way of showing it in the reader's time zone. */
const at = "2026-12-31T09:00:00.000Z";
const body = message(`Scheduled for ${dateText(at)}`, [
  header(`Run on ${dateText(at)}`),
  text(`The handoff is scheduled for ${dateText(at)}.`),
  fields([["Customer", `✅ Carol at ${dateText(at)}`]]),
  actions([
    button("run.start", "Run now", "OFB-1", {
      confirm: { title: "Run?", text: `Not ${dateText(at)}?`, confirm: "Run", deny: "No" },
    }),
  ]),
]);

describe("a date token on each platform", () => {
  it("is a Slack date token in mrkdwn and the UTC words in plain text", () => {
    const rendered = renderMessage(body);
    const json = JSON.stringify(rendered.blocks);
    expect(json).toContain(
      "The handoff is scheduled for <!date^1798707600^{date_short_pretty} {time}|Thu 31 Dec 2026, 09:00 UTC>.",
    );
    expect(rendered.blocks[0]).toMatchObject({ type: "header", text: { text: "Run on Thu 31 Dec 2026, 09:00 UTC" } });
    expect(rendered.text).toBe("Scheduled for Thu 31 Dec 2026, 09:00 UTC");
    expect(json).not.toContain("⟦");
  });

  it("is Adaptive Card DATE and TIME functions in text blocks and the UTC words in facts and titles", () => {
    const card = adaptiveCard(body);
    const json = JSON.stringify(card);
    expect(json).toContain(
      "The handoff is scheduled for {{DATE(2026-12-31T09:00:00Z, SHORT)}} {{TIME(2026-12-31T09:00:00Z)}}.",
    );
    expect(json).toContain("Carol at Thu 31 Dec 2026, 09:00 UTC");
    expect(card.fallbackText).toBe("Scheduled for Thu 31 Dec 2026, 09:00 UTC");
    expect(json).not.toContain("⟦");
  });
});
