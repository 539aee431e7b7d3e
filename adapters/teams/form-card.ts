import type { FormModel } from "../../src/message";
import { adaptiveCardVersion, teamsMarkdown, type AdaptiveCard, type CardElement } from "./adaptive-card";

/** The verb of the form's submit button; its `data.formCallbackId` carries the FormModel's callbackId. */
export const formSubmitVerb = "offboard.form.submit";

/**
 * A FormModel (the whole ticket at once) as an Adaptive Card: Teams has no modal for Universal
 * Actions, so the invoke response shows this card in place of the pressed one, to that person only.
 * On submit, Teams merges every input's value into the action's `data` under the input's id.
 * `errors` (field id → reason) are shown under their inputs when the core refused a submission.
 */
export function formCard(form: FormModel, errors: Record<string, string> = {}, values: Record<string, string> = {}): AdaptiveCard {
  const body: CardElement[] = [{ type: "TextBlock", text: form.title, size: "Large", weight: "Bolder", wrap: true }];
  if (Object.keys(errors).length) body.push({ type: "TextBlock", text: "Some answers were not accepted: see below.", color: "Attention", wrap: true });
  for (const input of form.inputs) {
    const label = input.optional ? `${input.label} (optional)` : input.label;
    const value = values[input.id] ?? input.initialValue;
    if (input.options) {
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
      body.push({ type: "Input.Text", id: input.id, label, isMultiline: input.multiline, isRequired: !input.optional, ...(input.hint ? { placeholder: input.hint } : {}), ...(value ? { value } : {}) });
    }
    const error = errors[input.id];
    if (error) body.push({ type: "TextBlock", text: teamsMarkdown(error), color: "Attention", size: "Small", wrap: true, spacing: "None" });
  }
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: adaptiveCardVersion,
    body: [...body, { type: "ActionSet", actions: [{ type: "Action.Execute", title: form.submitLabel, verb: formSubmitVerb, data: { formCallbackId: form.callbackId }, style: "positive" }] }],
    fallbackText: form.title,
    msteams: { width: "Full" },
  };
}
