import {
  ActivityTypes,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
  type ResourceResponse,
} from "botbuilder";
import type { Logger } from "pino";
import { NotConfiguredError } from "../../src/errors";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import { message, text, type Message } from "../../src/message";
import type { ChatCapabilities, ChatFile, PlatformChat, UploadOptions } from "../../src/ports";
import type { OneTimeFileStore } from "../redis/one-time-file-store";
import { downloadMessage, fileDownloadPath } from "../web/file-download-router";
import { adaptiveCard, cardAttachment, mentionedUserIds, plainSummary, type AdaptiveCard } from "./adaptive-card";
import { conversationIdOf } from "./conversation-id";
import type { TeamsConversations } from "./conversation-references";
import type { PostedCards } from "./posted-cards";

/**
 * The audience of the outbound token. Left undefined, the connector factory uses the OAuth scope of the
 * configured cloud (public, government, …); the typings ask for a string all the same.
 */
const cloudDefaultAudience = undefined as unknown as string;

/** One-time downloads for uploads: the store and the address people's browsers reach the bot at. */
export interface TeamsDownloads {
  files: OneTimeFileStore;
  /** `PUBLIC_BASE_URL`, without a trailing slash. */
  publicBaseUrl: string;
}

/** Said in the thread, instead of a private link, to someone the bot cannot open a 1:1 chat with. */
const heldNotice = message(
  "I have a private link for you that I cannot post here: open a chat with Offboard and it arrives there.",
  [
    text(
      "I have a one-time link for you that must not be posted here, and Teams did not let me open a chat with you. " +
        "Open a 1:1 chat with *Offboard* (Apps → Offboard, or search for Offboard in Chat) and say hi: the link arrives there.",
    ),
  ],
);

/** Teams could not be reached for a message; says what is missing, for the log and the operator. */
export class TeamsDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TeamsDeliveryError";
  }
}

/**
 * Microsoft Teams as a chat platform. Everything is proactive: the stored conversation reference
 * of the channel (refreshed by every inbound activity, kept in Redis) and
 * `CloudAdapter.continueConversationAsync`. Messages are Adaptive Cards (see adaptive-card.ts).
 *
 * - post: a new post in the channel, or a reply in the reply chain `<channel>;messageid=<threadId>`;
 * - update: `updateActivity` on the message, so the case, sign-off and progress cards change in place;
 * - ephemeral: Teams has none. Sent as a 1:1 message (private, like Slack's ephemeral, and it keeps
 *   notices out of a channel shared with the customer); when the bot cannot open a 1:1 chat with the
 *   person (e.g. an external user of another tenant where the app is not installed) it falls back to
 *   a reply in the thread that @mentions them — except a `private` message (a credential link), which
 *   is held in Redis and delivered when the person opens a chat with the bot (`deliverHeld`), while the
 *   thread only learns, without the link, that they must;
 * - direct: the user's 1:1 chat with the bot, created with `createConversationAsync` when there is none.
 */
export class TeamsChat implements PlatformChat {
  readonly platform = "teams" as const;
  readonly capabilities: ChatCapabilities;

  constructor(
    private readonly adapter: CloudAdapter,
    /** Empty in local mode (no authentication). */
    private readonly appId: string,
    private readonly conversations: TeamsConversations,
    private readonly cards: PostedCards,
    private readonly logger?: Logger,
    /** Where files wait for their one download, and the bot's public address; without it, no uploads. */
    private readonly downloads?: TeamsDownloads,
  ) {
    this.capabilities = Object.freeze({
      sharedChannels: false,
      ephemeral: false,
      uploads: Boolean(downloads),
      privateUploads: Boolean(downloads),
    });
  }

  private async render(body: Message): Promise<AdaptiveCard> {
    const names = await this.conversations.names(mentionedUserIds(body));
    return adaptiveCard(body, (id) => names.get(id));
  }

  private async reference(channelId: string): Promise<ConversationReference> {
    const reference = await this.conversations.conversation(channelId);
    if (!reference)
      throw new TeamsDeliveryError(
        `Offboard has no conversation reference for the Teams conversation ${channelId}: the bot must be installed there and have received at least one message in it`,
      );
    return reference;
  }

  /**
   * Sends one activity into `conversationId` and returns its id. `replyToId` is set exactly as given:
   * a proactive TurnContext would otherwise make every send a reply to its made-up continuation id.
   */
  private async send(
    reference: ConversationReference,
    conversationId: string,
    activity: Partial<Activity>,
    replyToId?: string,
  ): Promise<string> {
    let sent: ResourceResponse | undefined;
    const target: ConversationReference = {
      ...reference,
      activityId: replyToId,
      conversation: { ...reference.conversation, id: conversationId },
    };
    await this.adapter.continueConversationAsync(this.appId, target, async (context) => {
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) a.replyToId = replyToId;
        return next();
      });
      sent = await context.sendActivity(activity);
    });
    if (!sent?.id)
      throw new TeamsDeliveryError(`Teams accepted a message in ${conversationId} but returned no activity id`);
    return sent.id;
  }

  private cardActivity(
    card: AdaptiveCard,
    body: Message,
    nameOf: (id: string) => string | undefined = () => undefined,
  ): Partial<Activity> {
    const summary = plainSummary(body.text, nameOf);
    return { type: ActivityTypes.Message, summary, attachments: [cardAttachment(card)] };
  }

  async post(where: ChatLocation, body: Message): Promise<MessageRef> {
    const reference = await this.reference(where.channelId);
    const card = await this.render(body);
    // Chats have no reply chains: a "thread" there is the chat itself.
    const inChannel = reference.conversation.conversationType === "channel";
    const threadId = inChannel ? where.threadId : undefined;
    const id = await this.send(
      reference,
      conversationIdOf({ channelId: where.channelId, threadId }),
      this.cardActivity(card, body),
      threadId,
    );
    await this.cards.save(where.channelId, id, card);
    if (!inChannel && !where.threadId) await this.conversations.setChatThread(where.channelId, id);
    return { platform: "teams", channelId: where.channelId, messageId: id, threadId: where.threadId };
  }

  async update(ref: MessageRef, body: Message): Promise<void> {
    const reference = await this.reference(ref.channelId);
    const card = await this.render(body);
    const inChannel = reference.conversation.conversationType === "channel";
    const conversationId = conversationIdOf({
      channelId: ref.channelId,
      threadId: inChannel ? ref.threadId : undefined,
    });
    const target: ConversationReference = {
      ...reference,
      conversation: { ...reference.conversation, id: conversationId },
    };
    await this.adapter.continueConversationAsync(this.appId, target, async (context) => {
      await context.updateActivity({ ...this.cardActivity(card, body), id: ref.messageId });
    });
    await this.cards.save(ref.channelId, ref.messageId, card);
  }

  async ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    try {
      await this.direct(to, body);
      return;
    } catch (error) {
      this.logger?.warn(
        { err: error, channel: where.channelId },
        body.private
          ? "Teams: no 1:1 chat with the user for a private link; holding it until they open one"
          : "Teams: no 1:1 chat with the user for a private notice; replying in the thread with a mention instead",
      );
    }
    if (body.private) {
      await this.conversations.held.hold(to.userId, body);
      await this.mentionInThread(where, to, heldNotice);
      return;
    }
    await this.mentionInThread(where, to, body);
  }

  /**
   * Private messages held for `userId` (see `ephemeral`), delivered into their 1:1 chat, each once: called on
   * every activity of theirs in that chat (a message, the app's installation).
   */
  async deliverHeld(userId: string): Promise<void> {
    for (const body of await this.conversations.held.take(userId)) {
      try {
        await this.direct({ platform: "teams", userId }, body);
      } catch (error) {
        await this.conversations.held.hold(userId, body);
        throw error;
      }
    }
  }

  /** A reply in the thread that @mentions the person: the closest Teams has to a notice for one person. */
  private async mentionInThread(where: ChatLocation, to: Identity, body: Message): Promise<void> {
    const reference = await this.reference(where.channelId);
    const inChannel = reference.conversation.conversationType === "channel";
    const threadId = inChannel ? where.threadId : undefined;
    const user = await this.conversations.user(to.userId);
    const name = to.name ?? user?.name ?? "you";
    const card = await this.render(body);
    const mentionText = `<at>${name}</at>`;
    const withMention: AdaptiveCard = {
      ...card,
      body: [{ type: "TextBlock", text: mentionText, wrap: true }, ...card.body],
      msteams: {
        ...card.msteams,
        entities: [{ type: "mention", text: mentionText, mentioned: { id: user?.id ?? to.userId, name } }],
      } as AdaptiveCard["msteams"],
    };
    await this.send(
      reference,
      conversationIdOf({ channelId: where.channelId, threadId }),
      this.cardActivity(withMention, body),
      threadId,
    );
  }

  async direct(to: Identity, body: Message): Promise<void> {
    const card = await this.render(body);
    const activity = this.cardActivity(card, body);
    const existing = await this.conversations.personal(to.userId);
    if (existing) {
      await this.send(existing, existing.conversation.id, activity);
      return;
    }
    const user = await this.conversations.user(to.userId);
    const tenantId = to.teamId ?? user?.tenantId;
    const serviceUrl = user?.serviceUrl ?? (await this.conversations.serviceUrl(tenantId));
    const bot = await this.conversations.bot();
    if (!serviceUrl || !bot)
      throw new TeamsDeliveryError(
        `Offboard cannot open a 1:1 chat with ${to.name ?? to.userId}: no Teams activity has reached the bot yet, so its service URL is unknown`,
      );
    let created: ConversationReference | undefined;
    await this.adapter.createConversationAsync(
      this.appId,
      "msteams",
      serviceUrl,
      cloudDefaultAudience,
      {
        isGroup: false,
        bot,
        members: [{ id: user?.id ?? to.userId, name: to.name ?? user?.name ?? "" }],
        tenantId,
        channelData: tenantId ? { tenant: { id: tenantId } } : {},
      },
      async (context) => {
        created = TurnContext.getConversationReference(context.activity) as ConversationReference;
      },
    );
    if (!created) throw new TeamsDeliveryError(`Teams did not create a 1:1 chat with ${to.name ?? to.userId}`);
    const personal: ConversationReference = {
      ...created,
      activityId: undefined,
      conversation: { ...created.conversation, conversationType: "personal" },
    };
    await this.conversations.rememberPersonal(to.userId, personal);
    await this.send(personal, personal.conversation.id, activity);
  }

  /**
   * A card with a download link (an Open button, which Teams does not preview) served by the bot:
   * `GET <PUBLIC_BASE_URL>/files/<token>` gives the file once, within the store's TTL. The card goes
   * into the thread, or with `to` into that person's 1:1 chat with the bot, where nobody else can
   * use the link first. A bot cannot put a file into a channel itself (that takes Graph and SharePoint
   * permissions) and the 1:1 file consent card would need `supportsFiles` and a consent round trip.
   */
  async upload(where: ChatLocation, file: ChatFile, options: UploadOptions = {}): Promise<void> {
    if (!this.downloads)
      throw new NotConfiguredError(
        `Offboard cannot hand files over in Teams without its public address: set PUBLIC_BASE_URL (${file.filename} was not sent)`,
      );
    const token = await this.downloads.files.put(file);
    const url = `${this.downloads.publicBaseUrl}${fileDownloadPath(token)}`;
    const body = downloadMessage(file, url, this.downloads.files.ttlSeconds);
    if (options.to) await this.direct(options.to, body);
    else await this.post(where, body);
  }

  /** Teams shared channels are made by a team owner in Teams; the bot cannot create one. */
  async createSharedChannel(): Promise<ChatLocation> {
    throw new NotConfiguredError(
      "Offboard cannot create a shared channel in Teams: a team owner creates one and adds the customer, then `start` there",
    );
  }
}
