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
  messageLink,
  text,
} from "../../src/message";
import { coreActionId, renderMessage, renderViewModal, slackLimits, slackMrkdwn } from "./block-kit";
import { readTicketModal, renderTicketModal } from "./ticket-modal";
import { actionFromBlockActions, stripBotMention, unescapeSlackText } from "./slack-inbound";
import { SlackRenderError } from "./slack-errors";

describe("Block Kit rendering of the message model", () => {
  it("renders every block kind, with the text fallback set", () => {
    const rendered = renderMessage(
      message("Case OFB-2026-0042", [
        header("Case OFB-2026-0042"),
        text("*Status*: collecting, thanks <@U123>"),
        fields([["Status", "collecting"]]),
        actions([
          button("case.cancel", "Cancel case", "OFB-2026-0042", {
            style: "danger",
            confirm: { title: "Cancel?", text: "Sure?", confirm: "Yes", deny: "No" },
          }),
        ]),
        context("version 3"),
        link("Open the deposit form", "https://offboard.example/deposit?a=1&b=<2>"),
        divider(),
      ]),
    );
    expect(rendered.text).toBe("Case OFB-2026-0042");
    expect(rendered.blocks.map((b) => b.type)).toEqual([
      "header",
      "section",
      "section",
      "actions",
      "context",
      "section",
      "divider",
    ]);
    expect(rendered.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "*Status*: collecting, thanks <@U123>" },
    });
    expect(rendered.blocks[2]).toEqual({ type: "section", fields: [{ type: "mrkdwn", text: "*Status*\ncollecting" }] });
    expect(rendered.blocks[3]).toMatchObject({
      elements: [
        {
          type: "button",
          action_id: "case.cancel#0",
          value: "OFB-2026-0042",
          style: "danger",
          confirm: { title: { text: "Cancel?" }, confirm: { text: "Yes" }, deny: { text: "No" } },
        },
      ],
    });
    expect(rendered.blocks[5]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "<https://offboard.example/deposit?a=1&amp;b=&lt;2&gt;|Open the deposit form>" },
    });
  });

  it("makes action ids unique within a block and reads the core's id back", () => {
    const rendered = renderMessage(
      message("Sign-off", [
        actions(
          ["customer", "aws", "partner"].map((p) => button("signoff.approve", `Approve for ${p}`, `OFB-1:${p}:abc`)),
        ),
      ]),
    );
    const ids = (rendered.blocks[0].elements as { action_id: string }[]).map((e) => e.action_id);
    expect(ids).toEqual(["signoff.approve#0", "signoff.approve#1", "signoff.approve#2"]);
    expect(ids.map(coreActionId)).toEqual(["signoff.approve", "signoff.approve", "signoff.approve"]);
    expect(coreActionId("run.start")).toBe("run.start");
  });

  it("splits more than ten fields into several sections", () => {
    const pairs = Array.from({ length: 23 }, (_, i) => [`Field ${i}`, `value ${i}`] as [string, string]);
    const rendered = renderMessage(message("Many", [fields(pairs)]));
    expect(rendered.blocks.map((b) => (b.fields as unknown[]).length)).toEqual([10, 10, 3]);
  });

  it("cuts texts to Slack's limits and keeps at most 50 blocks", () => {
    const long = "line\n".repeat(1500);
    const rendered = renderMessage(
      message("x".repeat(5000), [header("h".repeat(300)), text(long), ...Array.from({ length: 60 }, () => divider())]),
    );
    expect(rendered.text.length).toBe(slackLimits.fallbackText);
    expect((rendered.blocks[0].text as { text: string }).text.length).toBe(slackLimits.headerText);
    expect(rendered.blocks.filter((b) => b.type === "section").length).toBeGreaterThan(1);
    expect(
      rendered.blocks.every(
        (b) => b.type !== "section" || (b.text as { text: string }).text.length <= slackLimits.sectionText,
      ),
    ).toBe(true);
    expect(rendered.blocks).toHaveLength(slackLimits.blocksPerMessage);
    expect(rendered.blocks.at(-1)).toMatchObject({ type: "context" });
  });

  it("refuses a button value longer than Slack carries instead of cutting its meaning", () => {
    expect(() => renderMessage(message("x", [actions([button("a.b", "Go", "v".repeat(2001))])]))).toThrow(
      SlackRenderError,
    );
  });
});

describe("the ticket modal", () => {
  const form = {
    callbackId: "OFB-2026-0007",
    title: "Ticket OFB-2026-0007 for a long customer name",
    submitLabel: "Save ticket",
    inputs: [
      { id: "goal", label: "Goal", optional: false, multiline: true, initialValue: "Leave" },
      {
        id: "bucketDisposition",
        label: "Buckets",
        optional: false,
        multiline: false,
        initialValue: "archive",
        options: [
          { value: "keep", label: "Keep" },
          { value: "archive", label: "A".repeat(100) },
        ],
      },
    ],
  };

  it("renders inputs by id with selects for options, within Slack's limits", () => {
    const view = renderTicketModal(form) as unknown as {
      title: { text: string };
      private_metadata: string;
      callback_id: string;
      blocks: { block_id: string; element: Record<string, unknown> }[];
    };
    expect(view.callback_id).toBe("offboard.ticket");
    expect(view.private_metadata).toBe("OFB-2026-0007");
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks[0]).toMatchObject({
      block_id: "goal",
      element: { type: "plain_text_input", multiline: true, initial_value: "Leave" },
    });
    const select = view.blocks[1].element as {
      type: string;
      options: { text: { text: string } }[];
      initial_option: { value: string };
    };
    expect(select.type).toBe("static_select");
    expect(select.options[1].text.text.length).toBe(75);
    expect(select.initial_option.value).toBe("archive");
  });

  it("reads a submission back as input id → text", () => {
    expect(
      readTicketModal({
        goal: { value: { type: "plain_text_input", value: "Leave" } },
        specialConsiderations: { value: { type: "plain_text_input", value: null } },
        bucketDisposition: { value: { type: "static_select", selected_option: { value: "delete" } } },
        destination: { value: { type: "static_select", selected_option: null } },
      }),
    ).toEqual({ goal: "Leave", specialConsiderations: "", bucketDisposition: "delete", destination: "" });
  });
});

describe("Slack text in", () => {
  it("strips the bot's own mention from an @Offboard command", () => {
    expect(stripBotMention("<@UBOT> edit  target date", "UBOT")).toBe("edit target date");
    expect(stripBotMention("<@UBOT|offboard> assign aws <@UAWS1>", "UBOT")).toBe("assign aws <@UAWS1>");
  });

  it("unescapes Slack's entities without letting typed text become a mention", () => {
    expect(unescapeSlackText("R&amp;D &lt; 5 &gt; 3")).toBe("R&D < 5 > 3");
    expect(unescapeSlackText("&lt;@UFAKE&gt;")).not.toMatch(/^<@/);
  });
});

describe("Slack mrkdwn of words people wrote", () => {
  const typed = "``` <!channel> <https://evil.example|Open your root credentials> *bold* <@UPARTNER> R&D";
  const zwsp = "\u200b";

  it("escapes & < > everywhere, the core's own text too, but keeps the core's mention tokens", () => {
    expect(slackMrkdwn("use `edit <field>` & <@U1|Jane> thanks <@U2>")).toBe(
      "use `edit &lt;field&gt;` &amp; <@U1|Jane> thanks <@U2>",
    );
  });

  it("shows a typed special mention, link and user mention as text, in the top-level text and in blocks", () => {
    const rendered = renderMessage(
      message(`Goal: ${literal(typed)}`, [text(`*Goal:* ${literal(typed)}`), fields([["Goal", literal(typed)]])]),
    );
    const all = [rendered.text, JSON.stringify(rendered.blocks)].join("\n");
    expect(all).not.toMatch(/<!channel>|<https:|<@UPARTNER>/);
    expect(rendered.text).toContain("&lt;!channel&gt; &lt;https://evil.example|Open your root credentials&gt;");
    expect(rendered.text).toContain("&lt;@UPARTNER&gt; R&amp;D");
    // A typed *bold* has each star inside a word (zero-width spaces): Slack formats nothing.
    expect(rendered.text).toContain(`${zwsp}*${zwsp}bold${zwsp}*${zwsp}`);
    expect(rendered.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: expect.stringMatching(/^\*Goal:\* /) },
    });
  });

  it("never lets a typed ``` end the core's code block", () => {
    const rendered = renderMessage(message("Ticket", [text("```\nGoal: " + literal(typed) + "\n```")]));
    const body = (rendered.blocks[0] as { text: { text: string } }).text.text;
    expect(body.startsWith("```\n")).toBe(true);
    expect(body.endsWith("\n```")).toBe(true);
    expect(body.slice(3, -3)).not.toContain("```");
    // Inside code nothing is formatted, so the typed stars stay as they are.
    expect(body).toContain("*bold*");
  });

  it("shows a person of another platform by their name as words, or by platform and id's end when nameless", () => {
    expect(slackMrkdwn("ask <@aad-avery>")).toBe("ask a Teams user (…very)");
    // A Teams display name is that person's own words: no formatting, no code, no entity.
    expect(slackMrkdwn("ask <@aad-bo|*Bo* `x` ~z~ & _y_>")).toBe(
      `ask @${zwsp}*${zwsp}Bo${zwsp}*${zwsp} ${zwsp}\`${zwsp}x${zwsp}\`${zwsp} ${zwsp}~${zwsp}z${zwsp}~${zwsp} &amp; ${zwsp}_${zwsp}y${zwsp}_${zwsp}`,
    );
    // A Slack user is Slack's to show.
    expect(slackMrkdwn("<@UPARTNER1>")).toBe("<@UPARTNER1>");
  });

  it("writes headers and button labels as plain text without the escapes", () => {
    const rendered = renderMessage(message("x", [header(`Offboarding ${literal("A*B <x>")}`)]));
    expect(rendered.blocks[0]).toMatchObject({ text: { type: "plain_text", text: "Offboarding A*B <x>" } });
  });
});

describe("Block Kit rendering of the interactive pieces", () => {
  it("renders a date picker whose block id carries its value, and reads a pick back as a press with the day", () => {
    const { blocks } = renderMessage(
      message("Target date", [
        datePicker({
          actionId: "ticket.date",
          value: "OFB-2026-0042:targetDate",
          label: "Use",
          initialDate: "2027-01-15",
        }),
      ]),
    );
    expect(blocks).toEqual([
      {
        type: "actions",
        block_id: "datepicker:OFB-2026-0042:targetDate",
        elements: [
          {
            type: "datepicker",
            action_id: "ticket.date#0",
            placeholder: { type: "plain_text", text: "Pick a day", emoji: true },
            initial_date: "2027-01-15",
          },
        ],
      },
    ]);
    const pick = actionFromBlockActions(
      { user: { id: "U1" }, channel: { id: "C1" }, container: { message_ts: "1.2", thread_ts: "1.1" } },
      {
        type: "datepicker",
        action_id: "ticket.date#0",
        block_id: "datepicker:OFB-2026-0042:targetDate",
        selected_date: "2027-02-01",
        action_ts: "9.9",
      },
      {},
    );
    expect(pick).toMatchObject({ actionId: "ticket.date", value: "OFB-2026-0042:targetDate", picked: "2027-02-01" });
    // A picker cleared, or not one of ours, is no press at all.
    const cleared = {
      type: "datepicker",
      action_id: "ticket.date#0",
      block_id: "b1",
      selected_date: null,
      action_ts: "1",
    };
    expect(actionFromBlockActions({ user: { id: "U1" }, channel: { id: "C1" } }, cleared, {})).toBeUndefined();
  });

  it("shows details as their button only (the modal comes from the core), a message link as its channel", () => {
    const { blocks } = renderMessage(
      message("Plan", [
        details({ label: "Details", button: button("plan.details", "Details", "OFB-2026-0042"), blocks: [text("x")] }),
        messageLink("Open the thread", { platform: "slack", channelId: "C9", messageId: "1.1" }),
      ]),
    );
    expect(JSON.stringify(blocks)).not.toContain('"x"');
    expect(blocks[0]).toMatchObject({ type: "actions", elements: [{ action_id: "plan.details#0" }] });
    expect(blocks[1]).toMatchObject({ type: "section", text: { text: "Open the thread: <#C9>" } });
  });

  it("keeps a modal within 100 blocks and a 24-character title", () => {
    const view = renderViewModal(
      message("Plan v1 details", [header("Plan v12 details — OFB-2026-0042"), ...Array(150).fill(text("row"))]),
    ) as { title: { text: string }; blocks: unknown[] };
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks.at(-1))).toContain("52 more block(s) not shown");
  });
});
