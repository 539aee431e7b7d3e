import { readModalMetadata } from "../../adapters/slack/ticket-modal";
import { ticketFields } from "../../src/ticket/fields";
import {
  people,
  startSlackHarness,
  validFormValues,
  validTicketAnswers,
  type SlackHarness,
} from "../support/slack-harness";
import { messageText } from "../support/slack-web-api";

/**
 * The whole ticket in a modal: "Fill in a form instead" opens it with the press's trigger_id, a bad
 * submission is answered with per-field errors (`response_action: "errors"`) and changes nothing, a
 * good one completes the ticket, and the three sign-offs approve it.
 */
let h: SlackHarness;
const channel = "CMODAL1";

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-modal", partnerUsers: [people.partner.id] });
  h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
});

afterAll(async () => {
  await h.close();
});

/** Presses "Fill in a form instead" and returns the view Offboard opened. */
async function openForm(user = people.customer): Promise<Record<string, unknown>> {
  const pressed = h.findButton("ticket.form");
  h.web.clear();
  const answer = await h.act(h.slack.press(user, pressed));
  expect(answer.status).toBe(200);
  const opened = h.web.callsOf("views.open");
  expect(opened).toHaveLength(1);
  expect(String(opened[0].args.trigger_id)).toMatch(/\.trigger\.action$/);
  return opened[0].args.view as Record<string, unknown>;
}

describe("the ticket by modal", () => {
  it("opens the form, shows per-field errors, completes the ticket and reaches approval", async () => {
    await h.act(h.slack.command(people.partner, channel, "start"));
    const opened = await h.caseIn(channel);
    await h.answerTicket(
      people.partner,
      opened.id,
      validTicketAnswers(),
      (f) => f === "customerName" || f === "customerApprovers",
    );

    const view = await openForm();
    expect(view).toMatchObject({ type: "modal", callback_id: "offboard.ticket" });
    // The case, and where the form was opened (the case thread), so its submit is audited there.
    expect(readModalMetadata(String(view.private_metadata))).toEqual({
      callbackId: opened.id,
      openedIn: { channelId: channel, threadId: opened.caseMessage!.messageId },
    });
    const blocks = view.blocks as {
      block_id: string;
      optional: boolean;
      element: {
        type: string;
        multiline?: boolean;
        initial_value?: string;
        options?: { text: { text: string }; value: string }[];
      };
    }[];
    expect(blocks.map((b) => b.block_id)).toEqual(
      ticketFields.flatMap((f) => (f.people?.allowEmails ? [f.key, `${f.key}.emails`] : [f.key])),
    );
    const byId = Object.fromEntries(blocks.map((b) => [b.block_id, b]));
    expect(byId.customerName.element.initial_value).toBe("Acme Corp");
    // People are picked, not typed: a typed "@Jane" in a text box would be no mention at all.
    expect(byId.customerApprovers.element).toMatchObject({
      type: "multi_users_select",
      initial_users: [people.customer.id],
    });
    expect(byId["customerApprovers.emails"].element.type).toBe("plain_text_input");
    expect(byId.credentialRecipients.element.type).toBe("multi_users_select");
    expect(byId.goal.element).toMatchObject({ type: "plain_text_input", multiline: true });
    expect(byId.bucketDisposition.element.type).toBe("static_select");
    expect(byId.bucketDisposition.element.options!.map((o) => o.value)).toEqual(["keep", "archive", "delete"]);
    expect(byId.credentialDelivery.element.options!.every((o) => o.text.text.length <= 75)).toBe(true);
    expect(byId.specialConsiderations.optional).toBe(true);

    const bad = { ...validFormValues(), accountIds: "12345", targetDate: "2001-01-01" };
    const refused = await h.act(h.slack.submit(people.customer, view, bad));
    expect(refused.status).toBe(200);
    const body = JSON.parse(refused.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(Object.keys(body.errors).sort()).toEqual(["accountIds", "targetDate"]);
    expect(body.errors.accountIds).toMatch(/12 digits/);
    let value = await h.reload(opened);
    expect(value.status).toBe("collecting");
    expect(value.ticket.answers.accountIds).toBeUndefined();

    h.web.clear();
    const accepted = await h.act(h.slack.submit(people.customer, view, validFormValues()));
    expect(accepted.status).toBe(200);
    expect(accepted.text).toBe("");
    value = await h.reload(opened);
    expect(value.status).toBe("awaiting_signoff");
    expect(value.ticket.answers).toMatchObject({
      customerName: "Acme Corp",
      bucketDisposition: "archive",
      accountIds: ["123456789012", "210987654321"],
      specialConsiderations: null,
    });
    expect(h.web.postedTexts("chat.postMessage").some((t) => t.includes(`Ticket for ${value.id}`))).toBe(true);
    expect(await h.auditActions(value.id)).toContain("ticket.form_submitted");

    await h.act(h.slack.command(people.partner, channel, `assign aws <@${people.aws.id}>`));
    await h.approve(people.customer, (v) => v.includes(":customer:"));
    await h.approve(people.aws, (v) => v.includes(":aws:"));
    await h.approve(people.partner, (v) => v.includes(":partner:"));
    expect((await h.reload(value)).status).toBe("approved");
  });

  it("keeps the modal open with the reason when someone outside the case submits it", async () => {
    const other = "CMODAL2";
    h.web.channels.set(other, { id: other, is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.partner, other, "start"));
    const opened = await h.caseIn(other);
    await h.answerTicket(
      people.partner,
      opened.id,
      validTicketAnswers(),
      (f) => f === "customerName" || f === "customerApprovers",
    );
    const view = await openForm(people.partner);

    const refused = await h.act(h.slack.submit(people.bystander, view, validFormValues()));
    const body = JSON.parse(refused.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors.customerName).toMatch(/only the customer's approvers or a partner member/i);
    expect((await h.reload(opened)).status).toBe("collecting");
  });

  it("refuses to open the form for someone outside the case", async () => {
    h.web.channels.set("CMODAL3", { id: "CMODAL3", is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.partner, "CMODAL3", "start"));
    const pressed = h.findButton("ticket.form");
    h.web.clear();
    await h.act(h.slack.press(people.bystander, pressed));
    expect(h.web.callsOf("views.open")).toEqual([]);
    expect(h.ephemeralsTo(people.bystander.id).map((t) => t)).toEqual([
      expect.stringMatching(/only the customer's approvers or a partner member/i),
    ]);
    expect(messageText(h.web.callsOf("chat.postEphemeral")[0].args)).not.toContain("That did not go through");
  });
});
