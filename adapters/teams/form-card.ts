import type { FormModel } from "../../src/message";
import { adaptiveCardVersion, cardElements, teamsMarkdown, type AdaptiveCard, type CardElement } from "./adaptive-card";
import { mentionToken, mentionTokenPattern, readMentionTokens } from "../../src/mention";

/** The verb of the form's submit button; its `data.formCallbackId` carries the FormModel's callbackId. */
export const formSubmitVerb = "offboard.form.submit";

/**
 * A FormModel (the whole ticket at once, or an approval: what is approved and its Approve) as an Adaptive Card:
 * Teams has no modal for Universal Actions, so the invoke response shows this card in place of the pressed one, to
 * that person only.
 * On submit, Teams merges every input's value into the action's `data` under the input's id.
 * `errors` (field id → reason) are shown under their inputs when the core refused a submission.
 */
export function formCard(
  form: FormModel,
  errors: Record<string, string> = {},
  values: Record<string, string> = {},
): AdaptiveCard {
  const body: CardElement[] = [
    { type: "TextBlock", text: form.title, size: "Large", weight: "Bolder", wrap: true },
    ...cardElements(form.intro ?? []),
  ];
  if (Object.keys(errors).length)
    body.push({
      type: "TextBlock",
      text: "Some answers were not accepted: see below.",
      color: "Attention",
      wrap: true,
    });
  for (const input of form.inputs) {
    const label = input.optional ? `${input.label} (optional)` : input.label;
    const value = values[input.id] ?? input.initialValue;
    if (input.people) {
      body.push(...peopleInputs(input.id, label, input.people.allowEmails, !input.optional, value));
    } else if (input.options) {
      body.push({
        type: "Input.ChoiceSet",
        id: input.id,
        label,
        style: "compact",
        isRequired: !input.optional,
        choices: input.options.map((o) => ({ title: o.label, value: o.value })),
        ...(value ? { value } : {}),
      });
    } else {
      body.push({
        type: "Input.Text",
        id: input.id,
        label,
        isMultiline: input.multiline,
        isRequired: !input.optional,
        ...(input.hint ? { placeholder: input.hint } : {}),
        ...(value ? { value } : {}),
      });
    }
    const error = errors[input.id];
    if (error)
      body.push({
        type: "TextBlock",
        text: teamsMarkdown(error),
        color: "Attention",
        size: "Small",
        wrap: true,
        spacing: "None",
      });
  }
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: adaptiveCardVersion,
    body: [
      ...body,
      {
        type: "ActionSet",
        actions: [
          {
            type: "Action.Execute",
            title: form.submitLabel,
            verb: formSubmitVerb,
            data: {
              formCallbackId: form.callbackId,
              peopleInputs: form.inputs
                .filter((i) => i.people)
                .map((i) => i.id)
                .join(","),
            },
            style: "positive",
          },
        ],
      },
    ],
    fallbackText: form.title,
    msteams: { width: "Full" },
  };
}

/** The people of a prefilled answer: mention tokens `<@id|Name>`, or the picker's own `id1,id2`. */
function peopleIn(value: string | undefined): { id: string; name?: string }[] {
  if (!value) return [];
  const tokens = readMentionTokens(value).map((m) => ({ id: m.userId, name: m.name }));
  if (tokens.length > 0 || value.includes("<@")) return tokens.filter((p) => !p.id.startsWith("email:"));
  return value
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id && !id.includes("@"))
    .map((id) => ({ id }));
}

/**
 * A people picker (Teams' `Data.Query` on `graph.microsoft.com/users`: the picked people's Entra object
 * ids come back comma-separated) and, where the answer may name people by e-mail, a text box for those.
 */
function peopleInputs(
  id: string,
  label: string,
  allowEmails: boolean,
  required: boolean,
  value: string | undefined,
): CardElement[] {
  const picked = peopleIn(value);
  const emails = (value ?? "")
    .replace(mentionTokenPattern(), " ")
    .split(/[\s,;]+/)
    .filter((w) => w.includes("@"))
    .join(", ");
  const picker: CardElement = {
    type: "Input.ChoiceSet",
    id,
    label,
    isMultiSelect: true,
    isRequired: required && !allowEmails,
    choices: picked.map((p) => ({ title: p.name ?? p.id, value: p.id })),
    "choices.data": { type: "Data.Query", dataset: "graph.microsoft.com/users" },
    ...(picked.length ? { value: picked.map((p) => p.id).join(",") } : {}),
  };
  if (!allowEmails) return [picker];
  return [
    picker,
    {
      type: "Input.Text",
      id: `${id}.emails`,
      label: `${label}: by e-mail`,
      placeholder: "People not in Teams yet: their e-mail addresses, separated by commas",
      ...(emails ? { value: emails } : {}),
    },
  ];
}

/**
 * A submitted form card's `data` as the core's form values: picked people become mention tokens
 * `<@objectId>`, and an e-mail box's addresses join its picker's answer.
 */
export function readFormCard(data: Record<string, unknown>): { callbackId: string; values: Record<string, string> } {
  const callbackId = typeof data.formCallbackId === "string" ? data.formCallbackId : "";
  const people = typeof data.peopleInputs === "string" ? data.peopleInputs.split(",").filter(Boolean) : [];
  const values = Object.fromEntries(
    Object.entries(data).filter(([k, v]) => k !== "formCallbackId" && k !== "peopleInputs" && typeof v === "string"),
  ) as Record<string, string>;
  for (const id of people) {
    const picked = (values[id] ?? "")
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => mentionToken({ userId: v }));
    values[id] = [...picked, values[`${id}.emails`] ?? ""].filter(Boolean).join(" ");
    delete values[`${id}.emails`];
  }
  return { callbackId, values };
}
