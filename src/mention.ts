import type { Identity } from "./identity";
import { literal } from "./message";

/**
 * The neutral mention token, in one place: `<@userId>` or `<@userId|Display Name>` (Slack's syntax). Every chat
 * adapter writes the people it resolved into text as these tokens, the core reads people out of them and writes
 * them into messages, and each adapter renders them its own way (Slack as is, Teams as names, the demo as chips).
 *
 * @example mentionToken({ platform: "slack", userId: "U1", name: "Jane" }) === "<@U1|Jane>"
 * @example readMentionTokens("ask <@U1|Jane> and <@U2>") → [{ userId: "U1", name: "Jane" }, { userId: "U2" }]
 */
const tokenSource = String.raw`<@([^|>\s]+)(?:\|([^>]*))?>`;

/** A fresh global pattern over mention tokens (a shared `g` regex would carry `lastIndex` between callers). */
export function mentionTokenPattern(): RegExp {
  return new RegExp(tokenSource, "g");
}

export interface MentionToken {
  userId: string;
  name?: string;
}

/** The token for a person; the name is kept only where it cannot break the token. */
export function mentionToken(who: { userId: string; name?: string }): string {
  const name = who.name?.replace(/[|>]/g, " ").trim();
  return name ? `<@${who.userId}|${name}>` : `<@${who.userId}>`;
}

/** Every mention token in `text`, in order. */
export function readMentionTokens(text: string): MentionToken[] {
  return [...text.matchAll(mentionTokenPattern())].map((m) => ({
    userId: m[1],
    ...(m[2]?.trim() ? { name: m[2].trim() } : {}),
  }));
}

/** `text` with each mention token replaced by what `replace` gives for it. */
export function replaceMentionTokens(text: string, replace: (token: MentionToken) => string): string {
  return text.replace(mentionTokenPattern(), (_whole, userId: string, name?: string) =>
    replace({ userId, ...(name?.trim() ? { name: name.trim() } : {}) }),
  );
}

/** A person named by e-mail before they are on the platform (`email:<address>`), see Identity.email. */
export function isEmailOnly(who: Identity): boolean {
  return who.userId.startsWith("email:");
}

/**
 * A person as a message shows them: a mention token (each platform renders it as the person; the name the platform
 * gave travels in it, for platforms that cannot look names up, so no raw id is ever shown), or the e-mail address of
 * someone not on the platform yet (as typed, so `literal`). The only way a mention gets into a message: from an
 * Identity the platform resolved, never from typed text.
 */
export function mentionOf(who: Identity): string {
  return isEmailOnly(who) ? literal(who.email ?? who.userId.slice("email:".length)) : mentionToken(who);
}

/** Slack user ids (`U…`, `W…` in Enterprise Grid): the one platform whose ids tell themselves apart by their shape. */
const slackUserIdPattern = /^[UW][A-Z0-9]+$/;

export function isSlackUserId(userId: string): boolean {
  return slackUserIdPattern.test(userId);
}

/**
 * A person no one has named to Offboard yet (typed by ids, a configured partner approver who has not acted in the
 * case), as a platform shows someone it cannot mention or name: which platform they are on, and the end of their id
 * to tell two apart. Offboard speaks Slack and Teams (the demo's people always carry names), so an id that is not
 * Slack's is a Teams user's (an Entra object id, or a `29:` Bot Framework id). Plain words: each renderer escapes it.
 *
 * @example namelessPerson("UPARTNER1") === "a Slack user (…NER1)"
 * @example namelessPerson("0f8e2c1a-…-4d2e9b7c61aa") === "a Teams user (…61aa)"
 */
export function namelessPerson(userId: string): string {
  return `a ${isSlackUserId(userId) ? "Slack" : "Teams"} user (…${userId.slice(-4)})`;
}
