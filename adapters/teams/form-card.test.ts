import { formCard, readFormCard } from "./form-card";

const form = {
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
      initialValue: "<@aad-1|Jane Doe> cfo@acme.example",
    },
    {
      id: "credentialRecipients",
      label: "Root credential recipients",
      optional: false,
      multiline: false,
      people: { allowEmails: false },
    },
    { id: "goal", label: "Goal", optional: false, multiline: true },
  ],
};

describe("the Teams form card's people inputs", () => {
  it("renders a people picker prefilled with the mentioned people, and an e-mail box where addresses count", () => {
    const body = formCard(form).body as Record<string, unknown>[];
    const byId = Object.fromEntries(body.filter((e) => typeof e.id === "string").map((e) => [e.id as string, e]));
    expect(byId.customerApprovers).toMatchObject({
      type: "Input.ChoiceSet",
      isMultiSelect: true,
      value: "aad-1",
      choices: [{ title: "Jane Doe", value: "aad-1" }],
      "choices.data": { type: "Data.Query", dataset: "graph.microsoft.com/users" },
    });
    expect(byId["customerApprovers.emails"]).toMatchObject({ type: "Input.Text", value: "cfo@acme.example" });
    expect(byId.credentialRecipients).toMatchObject({ type: "Input.ChoiceSet", isRequired: true });
    expect(byId["credentialRecipients.emails"]).toBeUndefined();
  });

  it("reads picked people back as mention tokens with the e-mail addresses appended", () => {
    const read = readFormCard({
      formCallbackId: "OFB-2026-0001",
      peopleInputs: "customerApprovers,credentialRecipients",
      customerApprovers: "aad-1,aad-2",
      "customerApprovers.emails": "cfo@acme.example",
      credentialRecipients: "aad-1",
      goal: "Leave",
    });
    expect(read).toEqual({
      callbackId: "OFB-2026-0001",
      values: {
        customerApprovers: "<@aad-1> <@aad-2> cfo@acme.example",
        credentialRecipients: "<@aad-1>",
        goal: "Leave",
      },
    });
  });
});
