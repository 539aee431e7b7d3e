import type { ActionInbound, Conversation, Outcome } from "../../src/ports";

/**
 * An approval as a person gives it: the press of an approval button (checked first: a refusal or a stale button is
 * its answer), then the approval form it opened, submitted. Returns the press's answer when no form opened.
 */
export async function pressAndApprove(conversation: Conversation, press: ActionInbound): Promise<Outcome> {
  const opened = await conversation.handle(press);
  if (!opened.openForm) return opened;
  return conversation.handle({
    kind: "form",
    actor: press.actor,
    requestId: `${press.requestId}:approve`,
    callbackId: opened.openForm.callbackId,
    values: {},
  });
}
