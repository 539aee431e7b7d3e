import {
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from "botbuilder";
import type { Logger } from "pino";
import { OffboardFailure } from "../../src/errors";
import type { ActionInbound, Conversation, Outcome } from "../../src/ports";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import { adaptiveCardContentType, noticeCard, pickedDay, plainSummary, type AdaptiveCard } from "./adaptive-card";
import { readActivityText, type ActivityText } from "./activity-text";
import { parseConversationId } from "./conversation-id";
import { tenantOf, type TeamsConversations } from "./conversation-references";
import { formCard, readFormCard, formSubmitVerb } from "./form-card";
import type { PostedCards } from "./posted-cards";

/** The person behind an activity, from Teams' own fields: AAD object id and tenant, never typed text. */
export function identityOf(activity: Partial<Activity>): Identity | undefined {
  const userId = activity.from?.aadObjectId;
  if (!userId) return undefined;
  return { platform: "teams", userId, teamId: tenantOf(activity), name: activity.from?.name };
}

/** The part of botframework-connector's ConnectorClient used here (botbuilder does not re-export its type). */
interface MemberLookup {
  conversations: { getConversationMember(conversationId: string, userId: string): Promise<{ aadObjectId?: string }> };
}

const cardResponse = (card: AdaptiveCard): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: adaptiveCardContentType,
  value: card as unknown as Record<string, unknown>,
});
const messageResponse = (text: string): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: "application/vnd.microsoft.activity.message",
  value: text as unknown as Record<string, unknown>,
});

/**
 * Translates Teams activities into the core's Inbound events and hands them to the Conversation. No
 * flow logic lives here.
 *
 * - Every message is one `message` inbound: its words without the bot's mention, whether the bot was
 *   mentioned, whether it is the 1:1 chat, the reply chain it is in. Whether that is a command or an
 *   answer is the core's one rule. (The bot sees messages without its mention when the app has the
 *   `ChannelMessage.Read.Group` resource-specific permission, see teams-app/manifest.json.)
 * - An `adaptiveCard/action` invoke (Action.Execute) is an `action`; its answer is the card the core
 *   just re-rendered (to the presser), or the core's notice as a message.
 */
export class OffboardTeamsBot extends TeamsActivityHandler {
  constructor(
    private readonly conversation: () => Conversation | undefined,
    private readonly conversations: TeamsConversations,
    private readonly cards: PostedCards,
    private readonly logger?: Logger,
    /** A private notice to one person (their 1:1 chat): how our failures are told, never in the channel. */
    private readonly tellPrivately?: (where: ChatLocation, to: Identity, text: string) => Promise<void>,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
  }

  private core(): Conversation {
    const conversation = this.conversation();
    if (!conversation)
      throw new Error("the Teams adapter received an activity before a conversation was attached (call attach())");
    return conversation;
  }

  /** Where an activity happened: the channel (or chat) and, in a channel, the reply chain. */
  private async locationOf(activity: Activity): Promise<ChatLocation> {
    const address = parseConversationId(activity.conversation.id);
    const teamId = tenantOf(activity);
    if (activity.conversation.conversationType === "channel") {
      // The first post of a reply chain carries its own id as `messageid`: it is not inside a thread.
      const threadId = address.threadId && address.threadId !== activity.id ? address.threadId : undefined;
      return { platform: "teams", channelId: address.channelId, threadId, teamId };
    }
    const threadId = (await this.conversations.chatThread(address.channelId)) ?? undefined;
    return { platform: "teams", channelId: address.channelId, threadId, teamId };
  }

  private async message(context: TurnContext): Promise<void> {
    const { activity } = context;
    const actor = identityOf(activity);
    if (!actor || activity.from.id === activity.recipient?.id) return;
    const text = await this.resolveMentions(context, readActivityText(activity));
    await this.conversations.remember(activity, text.mentioned);
    const location = await this.locationOf(activity);
    const requestId = activity.id ?? `${activity.conversation.id}:${activity.timestamp?.toString() ?? ""}`;
    try {
      await this.core().handle({
        kind: "message",
        text: text.text,
        mentionsBot: text.mentionsBot,
        direct: activity.conversation.conversationType === "personal",
        mentions: text.mentioned.map((m) => ({ platform: "teams", userId: m.aadObjectId ?? m.id, name: m.name })),
        actor,
        location,
        requestId,
      });
    } catch (error) {
      // Our failure: the person learns it privately (no internal message), the operators find the reference.
      const failure = OffboardFailure.of(error);
      this.logger?.error({ err: failure.cause, correlationId: failure.correlationId }, "Teams: a message failed");
      await this.tellPrivately?.(location, actor, failure.publicMessage).catch((second: unknown) =>
        this.logger?.warn({ err: second }, "Teams: could not tell the person about a failed message"),
      );
    }
  }

  /**
   * Teams often names a mentioned person only by their Bot Framework id (`29:…`), while people act
   * under their AAD object id. Each such mention is resolved to the AAD object id — from what the bot
   * has already seen of that person, else by asking the connector for the conversation member — so an
   * approver named by mention is recognised when they press a button. Unresolvable mentions keep the
   * `29:` id (they can still be reached by 1:1 message, but never match an actor).
   */
  private async resolveMentions(context: TurnContext, text: ActivityText): Promise<ActivityText> {
    let resolved = text.text;
    const mentioned = [];
    for (const person of text.mentioned) {
      let aadObjectId = person.aadObjectId ?? (await this.conversations.aadOf(person.id));
      if (!aadObjectId) aadObjectId = await this.memberAadObjectId(context, person.id);
      if (aadObjectId && !person.aadObjectId)
        resolved = resolved
          .split(`<@${person.id}|`)
          .join(`<@${aadObjectId}|`)
          .split(`<@${person.id}>`)
          .join(`<@${aadObjectId}>`);
      mentioned.push({ ...person, aadObjectId });
    }
    return { ...text, text: resolved, mentioned };
  }

  private async memberAadObjectId(context: TurnContext, userId: string): Promise<string | undefined> {
    const connector = context.turnState.get<MemberLookup | undefined>(context.adapter.ConnectorClientKey);
    if (!connector) return undefined;
    try {
      const member = await connector.conversations.getConversationMember(
        parseConversationId(context.activity.conversation.id).channelId,
        userId,
      );
      return member.aadObjectId;
    } catch (error) {
      this.logger?.warn({ err: error, userId }, "Teams: could not look up a mentioned person's AAD object id");
      return undefined;
    }
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const actor = identityOf(activity);
    if (!actor) return messageResponse("Offboard could not tell who pressed this button (no Azure AD user).");
    const location = await this.locationOf(activity);
    const messageId = activity.replyToId;
    const address = parseConversationId(activity.conversation.id);
    const threadId = address.threadId && address.threadId !== messageId ? address.threadId : undefined;
    const message: MessageRef | undefined = messageId
      ? { platform: "teams", channelId: location.channelId, messageId, threadId }
      : undefined;
    const data = (invokeValue.action?.data ?? {}) as Record<string, unknown>;
    const requestId = activity.id ?? `${messageId}:${invokeValue.action?.id ?? ""}`;
    try {
      if (invokeValue.action.verb === formSubmitVerb)
        return await this.submitForm(actor, requestId, data, message, location);
      const input: ActionInbound = {
        kind: "action",
        actionId: invokeValue.action.verb,
        value: typeof data.value === "string" ? data.value : "",
        actor,
        location,
        message,
        requestId,
        ...(pickedDay(data) ? { picked: pickedDay(data) } : {}),
      };
      const before = message ? await this.cards.revision(location.channelId, message.messageId) : 0;
      const outcome = await this.core().handle(input);
      return await this.answer(outcome, message, before);
    } catch (error) {
      const failure = OffboardFailure.of(error);
      this.logger?.error(
        { err: failure.cause, correlationId: failure.correlationId, verb: invokeValue.action?.verb },
        "Teams: a card action failed",
      );
      return messageResponse(failure.publicMessage);
    }
  }

  /** The refreshed card when the core re-rendered the pressed message, else its notice, else the card as it is. */
  private async answer(
    outcome: Outcome,
    message: MessageRef | undefined,
    revisionBefore: number,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (outcome.openForm) return cardResponse(formCard(outcome.openForm));
    const posted = message ? await this.cards.get(message.channelId, message.messageId) : undefined;
    if (posted && posted.revision !== revisionBefore) return cardResponse(posted.card);
    // A notice (a refusal naming who may, …) answers that person with the card they pressed on, the notice above it.
    if (outcome.notice)
      return posted
        ? cardResponse(noticeCard(outcome.notice, posted.card))
        : messageResponse(plainSummary(outcome.notice));
    if (posted) return cardResponse(posted.card);
    return messageResponse("Done.");
  }

  private async submitForm(
    actor: Identity,
    requestId: string,
    data: Record<string, unknown>,
    message: MessageRef | undefined,
    submittedIn: ChatLocation,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { callbackId, values } = readFormCard(data);
    const outcome = await this.core().handle({ kind: "form", callbackId, values, actor, requestId, submittedIn });
    if (outcome.formErrors && Object.keys(outcome.formErrors).length) {
      const form = (
        await this.core().handle({
          kind: "action",
          actionId: "ticket.form",
          value: callbackId,
          actor,
          requestId: `${requestId}:reopen`,
          location: { platform: "teams", channelId: message?.channelId ?? "" },
        })
      ).openForm;
      if (form) return cardResponse(formCard(form, outcome.formErrors, values));
      return messageResponse(Object.values(outcome.formErrors).join("\n"));
    }
    const posted = message ? await this.cards.get(message.channelId, message.messageId) : undefined;
    // An approval's result (approved, or why not) is said above the card, refreshed as the core left it.
    if (outcome.notice) return cardResponse(noticeCard(outcome.notice, posted?.card));
    return posted ? cardResponse(posted.card) : messageResponse("Ticket saved.");
  }
}
