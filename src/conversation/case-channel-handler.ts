import { caseNumber, type Case } from "../case";
import { NotConfiguredError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import { actions, literal, message, text } from "../message";
import type { MemberJoinedInbound, Outcome } from "../ports";
import { currentField } from "../ticket/flow";
import { buttonOf } from "./buttons";
import { caseThread } from "./case-presenter";
import { questionMessage } from "./case-view";
import type { ConversationContext } from "./conversation-context";
import { PeopleRecognition } from "./people-recognition";

/**
 * A case started in one of the partner's own channels moves to a dedicated channel shared with the customer
 * (Slack Connect), where the platform can create one; approvers invited by e-mail are bound when they join.
 */
export class CaseChannelHandler {
  private readonly people: PeopleRecognition;

  constructor(private readonly context: ConversationContext) {
    this.people = new PeopleRecognition(context);
  }

  private get deps() {
    return this.context.deps;
  }

  private canCreate(value: Case): boolean {
    const home = value.locations[0];
    return this.deps.chat.capabilities(home.platform).sharedChannels && home.shared === false;
  }

  /** Offers the dedicated channel, once the customer approvers (whom it invites) are known. */
  async offer(value: Case, actor: Identity): Promise<void> {
    if (!this.canCreate(value) || !(await this.context.isPartner(actor))) return;
    const emails = invitedEmails(value);
    const name = caseChannelName(value);
    const customer = value.customerName !== undefined ? literal(value.customerName) : "the customer";
    const invited = emails.map(literal).join(", ");
    await this.deps.chat.post(
      caseThread(value),
      message(`This channel is not shared with ${customer}. Create #${name}?`, [
        text(
          `This channel is not shared with ${customer}. I can create *#${name}* and invite ${invited || "the customer's approvers"} through Slack Connect; the case carries on there.`,
        ),
        actions([
          buttonOf({ id: "channel.create", caseId: value.id }, `Create #${name}`, {
            style: "primary",
            confirm: {
              title: `Create #${name}?`,
              text: `Creates a channel shared with ${invited || "the customer"}.`,
              confirm: "Create",
              deny: "Stay here",
            },
          }),
        ]),
      ]),
    );
  }

  async create(value: Case, actor: Identity, where: ChatLocation): Promise<Outcome> {
    await this.context.authorize("channel_create", value, actor, where);
    if (!this.deps.chat.capabilities(value.locations[0].platform).sharedChannels)
      throw new NotConfiguredError("this chat platform cannot create channels shared with another organization");
    if (value.locations.length > 1)
      throw new OffboardError("invalid_transition", `case ${value.id} already has its own channel`);
    const emails = invitedEmails(value);
    const created = await this.deps.chat.createSharedChannel(caseChannelName(value), emails, value.locations[0]);
    const ref = await this.deps.chat.post(created, await this.context.presenter.caseCard(value));
    await this.deps.cases.bindLocation({ ...created, threadId: ref.messageId }, value.id);
    await this.deps.cases.bindLocation({ ...created, threadId: undefined }, value.id);
    const updated = await this.deps.cases.update(value.id, (c) => ({
      ...c,
      locations: [{ ...created, threadId: undefined, shared: true }, ...c.locations],
      caseMessage: ref,
    }));
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      party: "partner",
      action: "channel.created",
      payload: { channel: created.channelId, invited: emails },
    });
    await this.deps.chat.post(
      caseThread(value),
      message(
        `The case continues in the new channel #${caseChannelName(value)}; the customer's approvers were invited.`,
      ),
    );
    const field = currentField(updated.ticket);
    if (field)
      await this.deps.chat.post(
        caseThread(updated),
        questionMessage(field, `Case ${value.id} continues here.`, {
          caseId: updated.id,
          ticket: updated.ticket,
        }),
      );
    return {};
  }

  /**
   * Someone joined the case channel (Slack brings the address of their profile): an approver invited by e-mail is
   * bound to their platform identity, by the rule every platform shares (people-recognition.ts).
   */
  async memberJoined(input: MemberJoinedInbound): Promise<Outcome> {
    if (!input.actor.email) return {};
    const value = await this.context.caseAt({ ...input.location, threadId: undefined });
    if (value) await this.people.bindByEmail(value, input.actor, input.actor.email);
    return {};
  }
}

function invitedEmails(value: Case): string[] {
  return value.members.customer.map((m) => m.email).filter((e): e is string => Boolean(e));
}

export function caseChannelName(value: Case): string {
  const customer =
    (value.customerName ?? "customer")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "customer";
  return `offboard-${customer}-${caseNumber(value.id)}`;
}
