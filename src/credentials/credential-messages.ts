import type { Identity } from "../identity";
import { dateText } from "../date-text";
import { context, header, link, message, privateMessage, text, type Message } from "../message";

/**
 * Every chat message of the credential handover. None carries a secret: links go only by direct
 * message, and the channel learns who got a link and what happened to it, never the link itself.
 */

/**
 * `2026-03-31 14:05 UTC`: unambiguous for parties in different time zones, for the web pages. Chat messages say a
 * moment with `dateText`, which each platform shows in the reader's own time zone.
 */
export function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

import { mentionOf } from "../mention";
export { mentionOf };

/** The plain name kept in the case record and shown on the retrieval page. */
export function displayNameOf(who: Identity): string {
  return who.name ?? who.email ?? who.userId;
}

export function depositLinkMessage(caseId: string, accountId: string, url: string, expiresAt: string): Message {
  const summary = `One-time link to deposit the root credentials of account ${accountId} (case ${caseId})`;
  return privateMessage(
    message(summary, [
      header(`Deposit root credentials: ${accountId}`),
      text(
        `Open this link to enter the root e-mail, password and MFA notes of account *${accountId}* for case *${caseId}*. Your browser encrypts them before they leave it; the bot never sees them in clear.`,
      ),
      link("Deposit the credentials", url),
      context(`Works once, until ${dateText(expiresAt)}. Do not forward it.`),
    ]),
  );
}

export function retrievalLinkMessage(caseId: string, accountId: string, url: string, expiresAt: string): Message {
  const summary = `One-time link to the root credentials of AWS account ${accountId} (case ${caseId})`;
  return privateMessage(
    message(summary, [
      header(`Root credentials: ${accountId}`),
      text(
        `The partner deposited the root credentials of AWS account *${accountId}* (case *${caseId}*). Open the link and press *Reveal*: it shows them once, then they are deleted.`,
      ),
      link("Open the credentials", url),
      context(
        `Valid until ${dateText(expiresAt)}. Only the full link (with the part after #) can reveal them: do not forward it. After revealing, change the root password and set up MFA.`,
      ),
    ]),
  );
}

export function depositLinkSentLine(accountId: string, by: Identity, expiresAt: string): Message {
  return message(
    `${mentionOf(by)} was sent a one-time link to deposit the root credentials of account ${accountId}, valid until ${dateText(expiresAt)}.`,
  );
}

export function linkSentLine(
  accountId: string,
  recipients: Identity[],
  expiresAt: string,
  unreachable: Identity[],
): Message {
  const sent = recipients.filter((r) => !unreachable.includes(r));
  const lines = [
    `The root credentials of account ${accountId} were deposited. A one-time retrieval link was sent by direct message to ${sent.map(mentionOf).join(", ") || "nobody"}, valid until ${dateText(expiresAt)}.`,
  ];
  if (unreachable.length > 0)
    lines.push(
      `Could not send it to ${unreachable.map(mentionOf).join(", ")}: check that the bot can message them directly.`,
    );
  return message(lines.join("\n"));
}

export function retrievedLine(accountId: string, at: string): Message {
  return message(
    `The root credentials of account ${accountId} were retrieved on ${dateText(at)} and deleted from Secrets Manager. The recipient should now change the root password and set up MFA.`,
  );
}

export function revisitedLine(accountId: string, retrievedAt: string): Message {
  return message(
    `Warning: the retrieval link of account ${accountId}, already used on ${dateText(retrievedAt)}, was opened again. Nothing was shown. If the recipient did not retrieve the credentials themselves, change the root password of ${accountId} now.`,
  );
}

export function expiredLine(accountId: string, expiresAt: string): Message {
  return message(
    `The retrieval link of account ${accountId} expired unopened at ${dateText(expiresAt)}; the deposited credentials were deleted. A partner approver can send a new deposit link with \`credentials ${accountId}\`.`,
  );
}

export function lostLine(accountId: string): Message {
  return message(
    `The retrieval link of account ${accountId} was used, but the deposited credentials were no longer in Secrets Manager. A partner approver must deposit them again with \`credentials ${accountId}\`.`,
  );
}

export function depositRefusedLine(accountId: string, reason: string): Message {
  return message(
    `⛔ A deposit for account ${accountId} was refused: ${reason}. Nothing was stored; root credentials move only for the ticket and plan the three parties signed.`,
  );
}
