import {
  actions,
  button,
  context,
  datePicker,
  details,
  divider,
  fields,
  header,
  link,
  literal,
  message,
  text,
} from "../../src/message";
import {
  adaptiveCard,
  detailsBudget,
  mentionedUserIds,
  pickedDay,
  pickedInputId,
  teamsMarkdown,
} from "./adaptive-card";

describe("Adaptive Card rendering", () => {
  it("turns the core's markup into Teams markdown", () => {
    expect(teamsMarkdown("*Goal* is `edit goal`\nnext line")).toBe("**Goal** is edit goal\n\nnext line");
    expect(
      teamsMarkdown("approved by <@aad-1|Jane Doe> and <@aad-2>", (id) => (id === "aad-2" ? "Sam" : undefined)),
    ).toBe("approved by @Jane Doe and @Sam");
    expect(teamsMarkdown("<@aad-3>")).toBe("a Teams user (…ad-3)");
    expect(teamsMarkdown("2 * 3 * 4")).toBe("2 * 3 * 4");
  });

  it("shows someone it cannot name by their platform and the end of their id, and a name as the person's words", () => {
    expect(teamsMarkdown("ask <@UPARTNER1> or <@aad-avery>")).toBe("ask a Slack user (…NER1) or a Teams user (…very)");
    expect(teamsMarkdown("<@UBO1|*Bo* [x](https://evil.example) _y_ `z`>")).toBe(
      "@\\*Bo\\* \\[x\\](https://evil.example) \\_y\\_ \\`z\\`",
    );
  });

  it("renders header, text, fields, context, link and divider as card 1.5 elements", () => {
    const card = adaptiveCard(
      message("Case", [
        header("Case OFB-2026-0001"),
        text("*Next:* answer"),
        fields([["Status", "Collecting"]]),
        divider(),
        context("Updated now"),
        link("Open", "https://example.test/x"),
      ]),
    );
    expect(card).toMatchObject({
      type: "AdaptiveCard",
      version: "1.5",
      fallbackText: "Case",
      msteams: { width: "Full" },
    });
    expect(card.body).toEqual([
      { type: "TextBlock", text: "Case OFB-2026-0001", size: "Large", weight: "Bolder", wrap: true },
      { type: "TextBlock", text: "**Next:** answer", wrap: true },
      { type: "FactSet", facts: [{ title: "Status", value: "Collecting" }] },
      {
        type: "TextBlock",
        text: "Updated now",
        size: "Small",
        isSubtle: true,
        wrap: true,
        separator: true,
        spacing: "Medium",
      },
      { type: "ActionSet", actions: [{ type: "Action.OpenUrl", title: "Open", url: "https://example.test/x" }] },
    ]);
  });

  it("renders fenced blocks as monospace lines", () => {
    const card = adaptiveCard(message("t", [text("Ticket:\n```\nGoal: leave\n\nDate: soon\n```")]));
    expect(card.body.map((e) => [e.text, e.fontType])).toEqual([
      ["Ticket:", undefined],
      ["Goal: leave", "Monospace"],
      [" ", "Monospace"],
      ["Date: soon", "Monospace"],
    ]);
  });

  it("renders a plain button as Action.Execute and a confirmed one as a ShowCard holding it", () => {
    const card = adaptiveCard(
      message("b", [
        actions([
          button("ticket.form", "Form", "OFB-1"),
          button("case.cancel", "Cancel case", "OFB-1", {
            style: "danger",
            confirm: { title: "Cancel OFB-1?", text: "Stops *here*.", confirm: "Cancel the case", deny: "Keep it" },
          }),
        ]),
      ]),
    );
    const [plain, confirmed] = (card.body[0] as unknown as { actions: Record<string, unknown>[] }).actions;
    expect(plain).toEqual({ type: "Action.Execute", title: "Form", verb: "ticket.form", data: { value: "OFB-1" } });
    expect(confirmed).toEqual({
      type: "Action.ShowCard",
      title: "Cancel case",
      card: {
        type: "AdaptiveCard",
        body: [
          { type: "TextBlock", text: "Cancel OFB-1?", weight: "Bolder", wrap: true },
          { type: "TextBlock", text: "Stops **here**.", wrap: true },
        ],
        actions: [
          {
            type: "Action.Execute",
            title: "Cancel the case",
            verb: "case.cancel",
            data: { value: "OFB-1" },
            style: "destructive",
          },
        ],
      },
    });
  });

  it("lists the user ids a message mentions, for name look-ups", () => {
    expect(mentionedUserIds(message("<@a>", [text("<@b|B> and <@a>"), fields([["Approver", "<@c>"]])]))).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});

describe("Teams card text of words people wrote", () => {
  const typed = "``` [Open your root credentials](https://evil.example) *bold* _it_ <@UPARTNER> \\";

  it("escapes Teams' markdown characters a person typed and keeps the core's own formatting", () => {
    expect(teamsMarkdown(`*Goal:* ${literal(typed)}`)).toBe(
      "**Goal:** \\`\\`\\` \\[Open your root credentials\\](https://evil.example) \\*bold\\* \\_it\\_ <@UPARTNER> \\\\",
    );
  });

  it("names only the core's mention tokens: a typed <@id> stays text and is not looked up", () => {
    const body = message(`by <@aad-1> ${literal("<@aad-2|Boss>")}`);
    expect(mentionedUserIds(body)).toEqual(["aad-1"]);
    expect(adaptiveCard(body, () => "Jane*").body[0]).toMatchObject({ text: "by @Jane\\* <@aad-2|Boss>" });
  });

  it("keeps the code block's lines for a typed ```, escaped as markdown, and the plain fallback as typed", () => {
    const card = adaptiveCard(
      message(`Goal: ${literal(typed)}`, [text("```\nGoal: " + literal(typed) + "\nDone\n```")]),
    );
    expect(card.body.map((e) => e.fontType)).toEqual(["Monospace", "Monospace"]);
    expect(card.body[0].text).toBe(`Goal: ${teamsMarkdown(literal(typed))}`);
    expect(card.body[1].text).toBe("Done");
    expect(card.fallbackText).toBe(`Goal: ${typed}`);
  });

  it("escapes a typed header and fact title, and writes button titles as plain text", () => {
    const card = adaptiveCard(
      message("x", [
        header(`Offboarding ${literal("*Acme*")}`),
        fields([[literal("_x_"), "y"]]),
        actions([button("a", `Create ${literal("*x*")}`, "v")]),
      ]),
    );
    expect(card.body[0].text).toBe("Offboarding \\*Acme\\*");
    expect(card.body[1]).toMatchObject({ facts: [{ title: "\\_x\\_", value: "y" }] });
    expect(card.body[2]).toMatchObject({ actions: [{ title: "Create *x*" }] });
  });
});

describe("Adaptive Card rendering of the interactive pieces", () => {
  it("renders a date picker as Input.Date with an Action.Execute, and reads the day from the action's data", () => {
    const card = adaptiveCard(
      message("Target date", [
        datePicker({ actionId: "ticket.date", value: "OFB-2026-0042:targetDate", label: "Use this date" }),
      ]),
    );
    expect(card.body).toEqual([
      { type: "Input.Date", id: pickedInputId, label: "Pick a day" },
      {
        type: "ActionSet",
        actions: [
          {
            type: "Action.Execute",
            title: "Use this date",
            verb: "ticket.date",
            data: { value: "OFB-2026-0042:targetDate" },
          },
        ],
      },
    ]);
    expect(pickedDay({ value: "x", [pickedInputId]: "2027-01-15" })).toBe("2027-01-15");
    expect(pickedDay({ value: "x" })).toBeUndefined();
  });

  it("puts details in an Action.ShowCard, cut at the end to stay within a card's size", () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      text(`*30000000${String(i).padStart(4, "0")}* ${"x".repeat(80)}`),
    );
    const card = adaptiveCard(
      message("Plan", [
        details({ label: "Details", button: button("plan.details", "Details", "OFB-1"), blocks: rows }),
      ]),
    );
    const show = (
      card.body[0] as unknown as { actions: { type: string; title: string; card: { body: { text: string }[] } }[] }
    ).actions[0];
    expect(show).toMatchObject({ type: "Action.ShowCard", title: "Details" });
    expect(JSON.stringify(show.card).length).toBeLessThan(detailsBudget + 1000);
    expect(show.card.body[0].text).toContain("300000000000");
    expect(show.card.body.at(-1)!.text).toMatch(/^… \d+ more part\(s\) not shown here/);
  });
});
