import { readModalMetadata, readTicketModal, renderTicketModal } from "./ticket-modal";

describe("the ticket modal's people inputs", () => {
  it("reads picked people as mention tokens and appends the e-mail box's addresses", () => {
    const values = readTicketModal({
      customerApprovers: { value: { type: "multi_users_select", selected_users: ["U0AAA1", "U0BBB2"] } },
      "customerApprovers.emails": { value: { type: "plain_text_input", value: "cfo@acme.example" } },
      goal: { value: { type: "plain_text_input", value: "Leave" } },
    });
    expect(values).toEqual({ customerApprovers: "<@U0AAA1> <@U0BBB2> cfo@acme.example", goal: "Leave" });
  });

  it("prefills the picker with the mentioned people and the e-mail box with the addresses", () => {
    const view = renderTicketModal({
      callbackId: "OFB-2026-0001",
      title: "Ticket",
      submitLabel: "Save",
      inputs: [
        {
          id: "customerApprovers",
          label: "Customer approvers",
          optional: false,
          multiline: false,
          people: { allowEmails: true },
          initialValue: "<@U0AAA1|Jane Doe> cfo@acme.example",
        },
      ],
    });
    const [picker, emails] = view.blocks as unknown as {
      block_id: string;
      optional: boolean;
      element: Record<string, unknown>;
    }[];
    expect(picker).toMatchObject({
      block_id: "customerApprovers",
      optional: true,
      element: { type: "multi_users_select", initial_users: ["U0AAA1"] },
    });
    expect(emails).toMatchObject({
      block_id: "customerApprovers.emails",
      element: { type: "plain_text_input", initial_value: "cfo@acme.example" },
    });
  });
});

describe("where a modal was opened, carried in its private_metadata", () => {
  const approval = "OFB-2026-0001:partner:0123456789ab";
  const form = {
    callbackId: approval,
    title: "Approve",
    submitLabel: "Approve",
    inputs: [],
    kind: "approval" as const,
  };

  it("reads back the callback id and the channel and thread of the press", () => {
    const view = renderTicketModal(form, { channelId: "CPARTNEROPS", threadId: "1760000000.000001" });
    expect(readModalMetadata(view.private_metadata)).toEqual({
      callbackId: approval,
      openedIn: { channelId: "CPARTNEROPS", threadId: "1760000000.000001" },
    });
  });

  it("keeps the bare callback id of a modal opened from nowhere in particular, or before origins were carried", () => {
    expect(renderTicketModal(form).private_metadata).toBe(approval);
    expect(readModalMetadata(approval)).toEqual({ callbackId: approval });
  });

  it("drops an origin that is not a Slack channel and message ts, keeping the callback id", () => {
    const forged = (origin: unknown) => JSON.stringify({ form: approval, in: origin });
    expect(readModalMetadata(forged({ channel: "teams:19:x@thread", thread: "1" }))).toEqual({ callbackId: approval });
    expect(readModalMetadata(forged({ channel: "C1AB", thread: "<!channel>" }))).toEqual({
      callbackId: approval,
      openedIn: { channelId: "C1AB" },
    });
    expect(readModalMetadata(forged("CPARTNEROPS"))).toEqual({ callbackId: approval });
    // Not ours in shape at all: the whole text is the callback id, which the core refuses as unknown.
    expect(readModalMetadata("{not json").callbackId).toBe("{not json");
    expect(readModalMetadata(JSON.stringify({ form: 7 })).openedIn).toBeUndefined();
  });

  it("never reads more than Slack's 3,000 characters", () => {
    const long = JSON.stringify({ form: approval, in: { channel: `C${"A".repeat(3000)}` } });
    expect(readModalMetadata(long).callbackId.length).toBeLessThanOrEqual(3000);
    expect(readModalMetadata(long).openedIn).toBeUndefined();
  });

  it("leaves the origin out rather than the form when both would not fit", () => {
    const big = { ...form, callbackId: "x".repeat(2990) };
    const view = renderTicketModal(big, { channelId: "CPARTNEROPS", threadId: "1760000000.000001" });
    expect(view.private_metadata).toBe(big.callbackId);
  });
});
