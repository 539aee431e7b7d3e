import { isCaseId } from "../case";
import type { Party } from "../party";
import { buttonOf, readButton } from "./buttons";

/**
 * Every form the core opens, as typed data, like the buttons (buttons.ts): `readForm` decodes a submitted form's
 * callback id. The ticket form's callback id is the case id; an approval's is its approval button's value (the case,
 * the party and the fingerprint shown), so the submit binds to what the form showed.
 *
 * @example readForm("OFB-2026-0042:customer:0123456789ab")
 *   → { id: "approval", caseId: "OFB-2026-0042", party: "customer", fingerprint: "0123456789ab" }
 */
export type FormAction =
  { id: "ticket"; caseId: string } | { id: "approval"; caseId: string; party: Party; fingerprint: string };

export function approvalCallbackOf(approval: { caseId: string; party: Party; fingerprint: string }): string {
  return buttonOf({ id: "signoff.approve", ...approval }, "Approve").value;
}

/** A submitted form as typed data, or undefined when the callback id is not one of ours. */
export function readForm(callbackId: string): FormAction | undefined {
  if (isCaseId(callbackId)) return { id: "ticket", caseId: callbackId };
  const approval = readButton("signoff.approve", callbackId);
  if (approval?.id !== "signoff.approve") return undefined;
  return { id: "approval", caseId: approval.caseId, party: approval.party, fingerprint: approval.fingerprint };
}
