import type { Case, KeptMessage, LinkedHome } from "./case";
import type { ChatLocation, MessageRef } from "./identity";

/**
 * The homes of a case: the conversations it lives in, on one platform or several. The first home is the case's own
 * (`locations[0]` and the refs on the case); every further home was joined with a link code and keeps its own refs
 * (`Case.homes`). Each kept message (case card, sign-off, progress) is one ref per home, rendered in that home's
 * platform's form and updated in place there.
 *
 * @example homesOf(value).map((h) => h.thread.platform) // ["slack", "teams"]
 */
export interface Home {
  /** 0 for the first home, i ≥ 1 for `homes[i - 1]`. */
  index: number;
  /** Where the case talks in this home: the thread of its case card. */
  thread: ChatLocation;
  refs: Partial<Record<KeptMessage, MessageRef>>;
}

export const keptMessages: readonly KeptMessage[] = ["caseMessage", "signOffMessage", "progressMessage"];

function refsOf(source: Partial<Record<KeptMessage, MessageRef | undefined>>): Home["refs"] {
  const refs: Home["refs"] = {};
  for (const kind of keptMessages) if (source[kind]) refs[kind] = source[kind];
  return refs;
}

/** The thread of the case card in the case's first home. */
export function firstThread(value: Case): ChatLocation {
  const home = value.locations[0];
  return { ...home, threadId: value.caseMessage?.messageId ?? home.threadId };
}

/** Every home of the case, the first one first. */
export function homesOf(value: Case): Home[] {
  const first: Home = { index: 0, thread: firstThread(value), refs: refsOf(value) };
  const linked = (value.homes ?? []).map((home, i): Home => ({
    index: i + 1,
    thread: { ...home.location, threadId: home.caseMessage?.messageId ?? home.location.threadId },
    refs: refsOf(home),
  }));
  return [first, ...linked];
}

function sameConversation(a: ChatLocation, b: ChatLocation): boolean {
  return a.platform === b.platform && a.channelId === b.channelId;
}

/**
 * The home `where` (a channel, chat or thread) belongs to, or undefined. A channel the case moved away from (a
 * dedicated case channel was created) still counts as its first home.
 */
export function homeAt(value: Case, where: ChatLocation): Home | undefined {
  const homes = homesOf(value);
  const linked = homes.slice(1).find((home) => sameConversation(home.thread, where));
  if (linked) return linked;
  return value.locations.some((l) => sameConversation(l, where)) ? homes[0] : undefined;
}

/** Whether `where` is in any home of the case: "in the case's own channel" for the authority table. */
export function isInAnyHome(value: Case, where: ChatLocation): boolean {
  return homeAt(value, where) !== undefined;
}

/** Whether `where` is the thread of the case card in one of the case's homes (where answers are read). */
export function isCaseThread(value: Case, where: ChatLocation): boolean {
  if (!where.threadId) return false;
  return homesOf(value).some((home) => sameConversation(home.thread, where) && home.thread.threadId === where.threadId);
}

/** The case with the ref of `kind` in home `index` replaced. */
export function withKeptRef(value: Case, index: number, kind: KeptMessage, ref: MessageRef): Case {
  if (index === 0) return { ...value, [kind]: ref };
  const homes = [...(value.homes ?? [])];
  const home = homes[index - 1];
  if (!home) return value;
  homes[index - 1] = { ...home, [kind]: ref };
  return { ...value, homes };
}

/** The case with one more home, unless that conversation is one already. */
export function withLinkedHome(value: Case, home: LinkedHome): Case {
  if (isInAnyHome(value, home.location)) return value;
  return { ...value, homes: [...(value.homes ?? []), home] };
}

/** The case without its linked homes `indexes` (≥ 1; the first home is the case's own and stays). */
export function withoutLinkedHomes(value: Case, indexes: readonly number[]): Case {
  const homes = (value.homes ?? []).filter((_home, i) => !indexes.includes(i + 1));
  return homes.length === (value.homes ?? []).length ? value : { ...value, homes };
}

/** The ref of `kind` in home `index`, if any. */
export function keptRef(value: Case, index: number, kind: KeptMessage): MessageRef | undefined {
  return index === 0 ? value[kind] : value.homes?.[index - 1]?.[kind];
}
