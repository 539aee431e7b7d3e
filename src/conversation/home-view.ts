import { decide, approveAct, type Role } from "../authority";
import type { AccountProgress, Case } from "../case";
import { dateText } from "../date-text";
import type { MessageRef } from "../identity";
import { context, divider, header, literal, message, messageLink, text, type Block, type Message } from "../message";
import { parties, partyLabel } from "../party";
import { signOffFor } from "../signoff";
import { currentField, questionPosition } from "../ticket/flow";
import { accountStanding, statusLabel } from "./case-view";

/**
 * A person's own page of the bot (Slack's App Home): each open case they have a part in, what it waits on them for
 * (their sign-off, a question, a credential deposit, …), and a link to the case's thread. What awaits whom is the
 * authority table's answer for their roles, so the page never offers what the case would refuse them.
 */

/** How many cases the page lists; the newest first (a Slack Home tab holds 100 blocks). */
export const homeCases = 20;

/** One open case as the person sees it: the case, their roles in it, and its accounts' progress once it ran. */
export interface HomeCase {
  value: Case;
  roles: ReadonlySet<Role>;
  /** The accounts' run progress by id (for what waits on a retry); empty before the run. */
  progress?: Record<string, AccountProgress>;
  /** The case card in the person's own home (a case may live on Slack and Teams): the thread the page links to. */
  caseMessage?: MessageRef;
}

/** Whether the person has a part in the case (more than being in its channel). */
export function hasPart(roles: ReadonlySet<Role>): boolean {
  return [...roles].some((r) => r !== "anyone" && r !== "case_channel_member");
}

/** What the case waits on this person for, in words, most pressing first; empty when nothing. */
export function awaitedFrom(
  value: Case,
  roles: ReadonlySet<Role>,
  progress: Record<string, AccountProgress> = {},
): string[] {
  const may = (act: Parameters<typeof decide>[0]) => decide(act, roles, value.status).ok;
  const out: string[] = [];
  const field = value.status === "collecting" ? currentField(value.ticket) : undefined;
  if (field && may("answer")) {
    const { number, of } = questionPosition(value.ticket, field);
    out.push(`an answer to question ${number} of ${of}: *${field.label}*`);
  }
  for (const party of parties)
    if (!signOffFor(value, party) && may(approveAct[party])) out.push(`your sign-off for *${partyLabel[party]}*`);
  if (may("run"))
    out.push(
      value.execution?.scheduledFor
        ? `the run, scheduled for ${dateText(value.execution.scheduledFor)} (or *Run now*)`
        : "the run (*Run now*)",
    );
  if (may("retry")) {
    const stopped = value.accounts.filter((a) => ["failed", "left_out"].includes(accountStanding(progress[a])));
    if (stopped.length) out.push(`a retry of ${stopped.map((a) => `*${a}*`).join(", ")}`);
  }
  for (const record of Object.values(value.credentials ?? {})) {
    if (record.state === "deposit_sent" && may("deposit"))
      out.push(`the root-credential deposit for *${record.accountId}* (the link is in your direct messages)`);
    if (record.state === "link_sent" && may("reveal"))
      out.push(`opening the root credentials of *${record.accountId}* (the link is in your direct messages)`);
  }
  return out;
}

function caseBlocks({ value, roles, progress, caseMessage }: HomeCase): Block[] {
  const who = value.customerName !== undefined ? literal(value.customerName) : "a customer";
  const awaited = awaitedFrom(value, roles, progress);
  const waits = awaited.length
    ? `*Waiting on you for:*\n${awaited.map((a) => `• ${a}`).join("\n")}`
    : "Nothing waits on you now.";
  const blocks: Block[] = [text(`*Offboarding ${who} — ${value.id}*\n${statusLabel[value.status]}\n${waits}`)];
  const card = caseMessage ?? value.caseMessage;
  if (card) blocks.push(messageLink(`Open the thread of ${value.id}`, card));
  return blocks;
}

/** The page: the cases waiting on the person first, then their other open cases, newest first. */
export function homeMessage(cases: HomeCase[], now: Date): Message {
  const waiting = cases.filter((c) => awaitedFrom(c.value, c.roles, c.progress).length > 0);
  const others = cases.filter((c) => !waiting.includes(c));
  const shown = [...waiting, ...others].slice(0, homeCases);
  const blocks: Block[] = [header("Your Offboard cases")];
  if (shown.length === 0) blocks.push(text("No open case of yours. `/offboard start` in a channel opens one."));
  shown.forEach((c, i) => {
    if (i > 0) blocks.push(divider());
    blocks.push(...caseBlocks(c));
  });
  if (cases.length > shown.length)
    blocks.push(
      context(`…and ${cases.length - shown.length} more open case(s): \`/offboard status\` in their channels.`),
    );
  blocks.push(
    context(`${waiting.length} of ${cases.length} open case(s) wait on you · as of ${dateText(now.toISOString())}`),
  );
  return message(`Your Offboard cases: ${waiting.length} wait on you`, blocks);
}
