import { readTicketModal, renderTicketModal } from "./ticket-modal";

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
