import type { Case } from "../case";
import { dayText } from "../date-text";
import { context, fields, literal, text, type Block, type FormModel } from "../message";
import { partyLabel, type Party } from "../party";
import { approvalHash, shortHash } from "../signoff";
import { approvalCallbackOf } from "./forms";
import { planHeadline } from "./case-view";

/** How many blocked accounts the approval names before it counts the rest (all are in the plan message). */
const blockedNamed = 20;

/**
 * What a person confirms when they approve, shown only after the press was checked (Slack: a modal; Teams: the card
 * answered to them; demo: a dialog): the plan in one line, what it leaves out, the version and fingerprint the
 * approval binds to. Submitting it is the sign-off.
 */
export function approvalForm(value: Case, party: Party): FormModel {
  const hash = approvalHash(value);
  const version = value.plan ? `plan v${value.plan.version}` : "the ticket";
  const who = value.customerName !== undefined ? literal(value.customerName) : "a customer";
  const intro: Block[] = [
    text(`You approve offboarding *${who}* (${value.id}) for *${partyLabel[party]}*:\n${planHeadline(value)}.`),
  ];
  const blocked = value.plan?.blocked ?? [];
  if (blocked.length) {
    const named = blocked.slice(0, blockedNamed).map((a) => `*${a}*`);
    const more = blocked.length > blockedNamed ? ` and ${blocked.length - blockedNamed} more` : "";
    intro.push(
      text(`⛔ The run leaves out ${blocked.length} blocked account(s) until fixed: ${named.join(", ")}${more}.`),
    );
  }
  const target = value.ticket.answers.targetDate;
  intro.push(
    fields([
      ["Accounts", String(value.accounts.length)],
      ["Target date", typeof target === "string" ? dayText(target) : "—"],
    ]),
    context(
      `Binds to ${version}, fingerprint \`${shortHash(hash)}\`. Any later edit voids the sign-offs and asks again.`,
    ),
  );
  return {
    kind: "approval",
    callbackId: approvalCallbackOf({ caseId: value.id, party, fingerprint: shortHash(hash) }),
    title: `Approve for ${partyLabel[party]}`,
    submitLabel: "Approve",
    intro,
    inputs: [],
  };
}
