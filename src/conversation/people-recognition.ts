import { isCaseLocation } from "../authority";
import type { Case } from "../case";
import { sameIdentity, type ChatLocation, type Identity } from "../identity";
import { isEmailOnly } from "../mention";
import type { Party } from "../party";
import type { Inbound } from "../ports";
import { readButton } from "./buttons";
import type { ConversationContext } from "./conversation-context";
import { readForm } from "./forms";

/** The case of a message's thread as read a moment before (undefined: the thread is no case's). */
export interface ThreadRead {
  value: Case | undefined;
}

/** The parties whose people the case stores (the partner's come from each platform's configuration). */
const storedParties = ["customer", "aws"] as const satisfies readonly Party[];
type StoredParty = (typeof storedParties)[number];

/**
 * Who a person acting in a home of a case is, as far as the case's people go; the one place that binds and names them,
 * whatever the platform.
 *
 * - An approver named by e-mail (a customer approver, `assign aws <address>`) waits as `email:<address>` until the
 *   platform tells Offboard that someone has that address: Slack when they join the case channel (`memberJoined`,
 *   with the address of their profile), Teams when they act in a home of the case (its activities carry no address:
 *   the core asks the EmailDirectory). Either way the same rule binds them and audits `party.<party>_joined`.
 * - A stored person without a display name (typed by ids) gets the name their platform gives the next time they act.
 *
 * Teams is asked only when it can matter: the case waits for someone named by e-mail, and the person acting is neither
 * one of its people already nor a partner member. Asking on every activity of an unknown sender would cost a connector
 * call for everyone who chats in a channel the bot is in, and nearly every answer would be thrown away.
 */
export class PeopleRecognition {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  /**
   * Before a person's act is handled: binds them if the case waits for their address, else learns their name.
   * `thread`: the case of the message's thread, when the reading rule read it already.
   */
  async recognise(input: Inbound, thread?: ThreadRead): Promise<void> {
    const acted = await this.caseActedIn(input, thread);
    if (!acted) return;
    const bound = await this.bindIfAwaited(acted.value, input.actor, acted.where);
    if (!bound) await this.learnName(acted.value, input.actor);
  }

  /**
   * Binds the person waiting in `value` under `email` to `actor`, the platform identity that has the address: a
   * customer approver first, else an AWS approver. Only the members change: the ticket (and so the fingerprint the
   * parties sign) stays as answered. Returns the party, or undefined when no one waits for that address.
   */
  async bindByEmail(value: Case, actor: Identity, email: string): Promise<Party | undefined> {
    const address = email.toLowerCase();
    const waitingIn = (c: Case, party: StoredParty) =>
      c.members[party].find((m) => isEmailOnly(m) && m.email?.toLowerCase() === address);
    const party = storedParties.find((p) => waitingIn(value, p));
    if (!party) return undefined;
    const bound: Identity = { ...actor, email: address };
    let changed = false;
    await this.deps.cases.update(value.id, (c) => {
      // Another request may have bound them in between: then there is nothing left to do.
      const pending = waitingIn(c, party);
      changed = Boolean(pending);
      if (!pending) return c;
      const people = c.members[party].map((m) => (m.userId === pending.userId ? bound : m));
      return { ...c, members: { ...c.members, [party]: people } };
    });
    if (!changed) return undefined;
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      party,
      action: `party.${party}_joined`,
      payload: { userId: actor.userId },
    });
    return party;
  }

  /** The case a person acts on, and where, when that is one of its homes (a press or form names its case). */
  private async caseActedIn(
    input: Inbound,
    thread?: ThreadRead,
  ): Promise<{ value: Case; where: ChatLocation } | undefined> {
    if (input.kind === "member_joined" || input.kind === "home_opened") return undefined;
    const where = input.kind === "form" ? input.submittedIn : input.location;
    if (!where) return undefined;
    const named =
      input.kind === "action"
        ? readButton(input.actionId, input.value)?.caseId
        : input.kind === "form"
          ? readForm(input.callbackId)?.caseId
          : undefined;
    const value = named ? await this.deps.cases.get(named) : thread ? thread.value : await this.context.caseAt(where);
    return value && isCaseLocation(value, where) ? { value, where } : undefined;
  }

  private async bindIfAwaited(value: Case, actor: Identity, where: ChatLocation): Promise<boolean> {
    const awaited = storedParties.flatMap((p) => value.members[p].filter(isEmailOnly));
    if (awaited.length === 0 || isStoredPerson(value, actor) || (await this.context.isPartner(actor))) return false;
    const addresses = actor.email ? [actor.email.toLowerCase()] : await this.addressesOf(actor, where);
    const email = addresses.find((a) => awaited.some((m) => m.email?.toLowerCase() === a));
    return email !== undefined && (await this.bindByEmail(value, actor, email)) !== undefined;
  }

  private async addressesOf(actor: Identity, where: ChatLocation): Promise<string[]> {
    if (!this.deps.emails) return [];
    try {
      return (await this.deps.emails.addressesOf(actor, where)).map((a) => a.toLowerCase());
    } catch (error) {
      // The directory should not reject; if it does, the person is only not recognised yet: the act goes on.
      this.deps.onError?.(error, `look up the e-mail of ${actor.platform} user ${actor.userId}`);
      return [];
    }
  }

  /**
   * The name the platform gave, for a stored person who has none. Not audited: a display name decides nothing (see
   * Identity.name), and the audit trail names actors by platform, id and organization, never by name.
   */
  private async learnName(value: Case, actor: Identity): Promise<void> {
    const name = actor.name?.trim();
    if (!name) return;
    const nameless = (m: Identity) => !m.name && !isEmailOnly(m) && sameIdentity(m, actor);
    const lacking = (c: Case) => storedParties.some((p) => c.members[p].some(nameless));
    if (!lacking(value)) return;
    const named = (m: Identity) => (nameless(m) ? { ...m, name } : m);
    await this.deps.cases.update(value.id, (c) =>
      lacking(c)
        ? { ...c, members: { ...c.members, customer: c.members.customer.map(named), aws: c.members.aws.map(named) } }
        : c,
    );
  }
}

function isStoredPerson(value: Case, who: Identity): boolean {
  return storedParties.some((p) => value.members[p].some((m) => sameIdentity(m, who)));
}

/**
 * `people` (e.g. the configured partner approvers, who are ids only) with the name the case has seen them act under,
 * where they have none: as starter, approver, or the one who joined a home.
 */
export function namedAsSeenIn(value: Case, people: Identity[]): Identity[] {
  const seen = [
    value.createdBy,
    ...value.signOffs.map((s) => s.by),
    ...(value.homes ?? []).map((h) => h.joinedBy),
    ...storedParties.flatMap((p) => value.members[p]),
  ].filter((who): who is Identity => Boolean(who?.name));
  return people.map((who) => {
    if (who.name) return who;
    const name = seen.find((s) => sameIdentity(s, who))?.name;
    return name ? { ...who, name } : who;
  });
}
