import { isCaseId } from "../case";
import { button, type Button, type ConfirmDialog } from "../message";
import { parties, type Party } from "../party";

/**
 * Every button the core puts on a message, as typed data. `buttonOf` encodes one for the views, `readButton`
 * decodes a press for the handlers: the one place that knows how a button's id and value look on the wire.
 *
 * @example readButton("account.retry", "OFB-2026-0042:111122223333")
 *   → { id: "account.retry", caseId: "OFB-2026-0042", accountId: "111122223333" }
 */
export type ButtonAction =
  | { id: "signoff.approve"; caseId: string; party: Party; fingerprint: string }
  | { id: "ticket.form"; caseId: string }
  | { id: "run.start"; caseId: string }
  | { id: "case.cancel"; caseId: string }
  | { id: "channel.create"; caseId: string }
  | { id: "account.retry"; caseId: string; accountId: string }
  /** An answer to the open ticket question by a button: the field asked and the option (or `yes` / `no`). */
  | { id: "ticket.choice"; caseId: string; field: string; choice: string }
  /** A date picker on a question: the field asked; the picked day comes with the press (`ActionInbound.picked`). */
  | { id: "ticket.date"; caseId: string; field: string }
  /** The plan's Details: the current plan of the case, account by account. */
  | { id: "plan.details"; caseId: string };

export type ButtonId = ButtonAction["id"];

const buttonIds: readonly ButtonId[] = [
  "signoff.approve",
  "ticket.form",
  "run.start",
  "case.cancel",
  "channel.create",
  "account.retry",
  "ticket.choice",
  "ticket.date",
  "plan.details",
];

/** A field key or option value as the ticket writes them: letters, digits, `_` and `-`, never the separator. */
const wordPattern = /^[A-Za-z0-9_-]{1,64}$/;

function valueOf(action: ButtonAction): string {
  switch (action.id) {
    case "signoff.approve":
      return `${action.caseId}:${action.party}:${action.fingerprint}`;
    case "account.retry":
      return `${action.caseId}:${action.accountId}`;
    case "ticket.choice":
      return `${action.caseId}:${action.field}:${action.choice}`;
    case "ticket.date":
      return `${action.caseId}:${action.field}`;
    default:
      return action.caseId;
  }
}

/** The button of a message for `action`. */
export function buttonOf(
  action: ButtonAction,
  label: string,
  extra: { style?: Button["style"]; confirm?: ConfirmDialog } = {},
): Button {
  return button(action.id, label, valueOf(action), extra);
}

/** A press as typed data, or undefined when the id or value is not one of ours (forged, or from an old version). */
export function readButton(actionId: string, value: string): ButtonAction | undefined {
  if (!(buttonIds as readonly string[]).includes(actionId)) return undefined;
  const [caseId, second, third, ...extra] = value.split(":");
  if (!caseId || !isCaseId(caseId) || extra.length) return undefined;
  const id = actionId as ButtonId;
  switch (id) {
    case "signoff.approve":
      if (!parties.includes(second as Party) || !third || !/^[0-9a-f]{6,64}$/i.test(third)) return undefined;
      return { id, caseId, party: second as Party, fingerprint: third };
    case "account.retry":
      if (!second || !/^\d{12}$/.test(second) || third !== undefined) return undefined;
      return { id, caseId, accountId: second };
    case "ticket.choice":
      if (!second || !third || !wordPattern.test(second) || !wordPattern.test(third)) return undefined;
      return { id, caseId, field: second, choice: third };
    case "ticket.date":
      if (!second || third !== undefined || !wordPattern.test(second)) return undefined;
      return { id, caseId, field: second };
    default:
      if (second !== undefined) return undefined;
      return { id, caseId };
  }
}
