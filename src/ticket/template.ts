import type { AnswerValue } from "../case";
import { literal } from "../message";
import { fieldByKey, type TicketFieldKey } from "./fields";

/**
 * The ticket as the partner's runbook lays it out ("Partner Cloud: AWS Customers Leaving"), with "the
 * partner" where the runbook names CenturyLink, followed by what Offboard asks beyond the template.
 * Message markup without formatting: it is what a person would have pasted into the support ticket, and what
 * the summary shows; the answers are in it through their field's `format` (`literal` for what people wrote).
 *
 * @example
 *   renderTicketTemplate(state.answers)
 *   // This is a request to meet with my partner account representative …
 *   //
 *   // Goal: Take the accounts over ourselves
 *   // Target Date: 2027-01-15
 *   // …
 */
export function renderTicketTemplate(answers: Record<string, AnswerValue>): string {
  const removedByCustomer = answers.removalBy === "customer";
  const template: [string, string][] = [
    ["Goal", show(answers, "goal")],
    ["Target Date", show(answers, "targetDate")],
    ["Partner account representative", show(answers, "partnerRepresentative")],
    ["Departing AWS AccountIDs", show(answers, "accountIds")],
    ["AWS AccountIDs to which you currently do not have root access", show(answers, "accountsWithoutRootAccess")],
    ["Secure method of delivering root credentials to you", show(answers, "credentialDelivery")],
    [
      "Who do you want to handle removing your member accounts from our AWS organization? (the partner or your company)",
      show(answers, "removalBy"),
    ],
    [
      "If your company, identify any AWS Users needing permissions",
      removedByCustomer ? show(answers, "customerIamUsers") : notApplicable(answers),
    ],
    [
      "Do you wish to continue using the partner's application-lifecycle tooling for ALM?",
      show(answers, "keepLifecycleTooling"),
    ],
    ["Special Considerations", show(answers, "specialConsiderations")],
  ];
  const extra: [string, string][] = [
    ["Customer company", show(answers, "customerName")],
    ["Customer approvers", show(answers, "customerApprovers")],
    ["Root credential recipients", show(answers, "credentialRecipients")],
    ...(answers.credentialDelivery === "passwordless"
      ? ([["New root e-mail addresses", show(answers, "rootEmails")]] as [string, string][])
      : []),
    ["Destination", destination(answers)],
    ["S3 buckets config-bucket-<account ID> and ctlaudit-<account ID>", show(answers, "bucketDisposition")],
    ["Accounts payable informed", show(answers, "accountsPayableInformed")],
  ];
  return [
    "This is a request to meet with my partner account representative and potentially a member of the partner's product team.",
    "",
    ...template.map(line),
    "",
    ...extra.map(line),
  ].join("\n");
}

const notAnswered = "(not answered yet)";

/** The answer as its field displays it; a skipped or empty one reads "None". */
function show(answers: Record<string, AnswerValue>, key: TicketFieldKey): string {
  if (!Object.prototype.hasOwnProperty.call(answers, key)) return notAnswered;
  const value = answers[key];
  if (value === null || (Array.isArray(value) && value.length === 0)) return "None";
  const field = fieldByKey(key);
  return field ? field.format(value) : literal(String(value));
}

function notApplicable(answers: Record<string, AnswerValue>): string {
  return answers.removalBy === "partner" ? "Not applicable: the partner removes the accounts" : notAnswered;
}

function destination(answers: Record<string, AnswerValue>): string {
  const where = show(answers, "destination");
  if (answers.destination !== "organization") return where;
  const decision = answers.joinDecision ? ` (without an invitation: ${show(answers, "joinDecision")})` : "";
  return `${where}: ${show(answers, "newOrganization")}${decision}`;
}

/** `Label: value`, with the lines of a multi-line value indented under it. */
function line([label, value]: [string, string]): string {
  return `${label}: ${value.replace(/\n/g, "\n  ")}`;
}
