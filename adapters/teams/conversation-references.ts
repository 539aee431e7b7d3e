import type { RedisClient } from "../redis/connection";
import { TurnContext, type Activity, type ChannelAccount, type ConversationReference } from "botbuilder";
import { parseConversationId } from "./conversation-id";
import type { MentionedPerson } from "./activity-text";
import { RedisKeys } from "../redis/keys";
import { HeldPrivateMessages } from "./held-private-messages";

/** What Offboard knows about a Teams user: how to reach them 1:1 and what to call them. */
export interface TeamsUser {
  /** Bot Framework user id (`29:…`). */
  id?: string;
  name?: string;
  tenantId?: string;
  serviceUrl?: string;
}

/** Tenant of an activity: Teams puts it in channelData; the conversation carries it too. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? activity.conversation?.tenantId;
}

/**
 * Conversation references and the little else Teams needs remembered, in Redis (never in process
 * memory, so any web process can post for any other). Every inbound activity refreshes them.
 *
 * | key (under the prefix)                 | type   | holds                                                   |
 * | -------------------------------------- | ------ | ------------------------------------------------------- |
 * | `teams:conversation:<channel or chat>` | string | ConversationReference JSON (no reply chain, no activity) |
 * | `teams:personal:<aadObjectId>`         | string | the reference of the user's 1:1 chat with the bot        |
 * | `teams:user:<aadObjectId>`             | hash   | `id` (29:…), `name`, `tenantId`, `serviceUrl`            |
 * | `teams:aad-of:<29:… id>`               | string | the AAD object id of a Bot Framework user id             |
 * | `teams:chat-thread:<chat id>`          | string | the bot's latest top-level post in a chat (no reply chains there)
 * |
 * | `teams:bot`                            | string | the bot's own ChannelAccount JSON                        |
 * | `teams:service-url[:<tenant>]`         | string | the latest service URL seen (per tenant)                 |
 */
export class TeamsConversations {
  private readonly keys: RedisKeys;
  /** Private messages waiting for a person's 1:1 chat (held-private-messages.ts). */
  readonly held: HeldPrivateMessages;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
    this.held = new HeldPrivateMessages(redis, prefix);
  }

  private key(...parts: string[]): string {
    return this.keys.teams(...parts);
  }

  /** Remembers where and from whom an activity came; `mentioned` adds the people it @mentions. */
  async remember(activity: Partial<Activity>, mentioned: MentionedPerson[] = []): Promise<void> {
    if (!activity.conversation?.id || !activity.serviceUrl || !activity.recipient) return;
    const address = parseConversationId(activity.conversation.id);
    const reference = TurnContext.getConversationReference(activity) as ConversationReference;
    const stored: ConversationReference = {
      ...reference,
      activityId: undefined,
      conversation: { ...reference.conversation, id: address.channelId },
    };
    const tenantId = tenantOf(activity);
    // Independent cache entries in different hash slots: written side by side, not in one MULTI (which a
    // cluster refuses across slots). Each write stands alone; the next activity writes them again.
    const writes: Promise<unknown>[] = [
      this.redis.set(this.key("conversation", address.channelId), JSON.stringify(stored)),
      this.redis.set(this.key("bot"), JSON.stringify(activity.recipient)),
      this.redis.set(this.key("service-url"), activity.serviceUrl),
    ];
    if (tenantId) writes.push(this.redis.set(this.key("service-url", tenantId), activity.serviceUrl));
    const from = activity.from;
    if (from?.aadObjectId && from.id !== activity.recipient.id) {
      writes.push(
        this.redis.hset(this.key("user", from.aadObjectId), {
          id: from.id,
          serviceUrl: activity.serviceUrl,
          ...(from.name ? { name: from.name } : {}),
          ...(tenantId ? { tenantId } : {}),
        }),
        this.redis.set(this.key("aad-of", from.id), from.aadObjectId),
      );
      if (activity.conversation.conversationType === "personal")
        writes.push(this.redis.set(this.key("personal", from.aadObjectId), JSON.stringify(stored)));
    }
    for (const person of mentioned) {
      if (!person.aadObjectId) continue;
      writes.push(
        this.redis.hset(this.key("user", person.aadObjectId), {
          id: person.id,
          ...(person.name ? { name: person.name } : {}),
        }),
        this.redis.set(this.key("aad-of", person.id), person.aadObjectId),
      );
    }
    await Promise.all(writes);
  }

  private async json<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  }

  /** The reference of a channel or chat (without any reply chain). */
  conversation(channelId: string): Promise<ConversationReference | undefined> {
    return this.json(this.key("conversation", channelId));
  }

  personal(aadObjectId: string): Promise<ConversationReference | undefined> {
    return this.json(this.key("personal", aadObjectId));
  }

  async rememberPersonal(aadObjectId: string, reference: ConversationReference): Promise<void> {
    await this.redis.set(this.key("personal", aadObjectId), JSON.stringify({ ...reference, activityId: undefined }));
  }

  async user(aadObjectId: string): Promise<TeamsUser | undefined> {
    const fields = await this.redis.hgetall(this.key("user", aadObjectId));
    return Object.keys(fields).length ? (fields as TeamsUser) : undefined;
  }

  /** The AAD object id behind a Bot Framework user id (`29:…`), once the bot has seen them. */
  async aadOf(botFrameworkId: string): Promise<string | undefined> {
    return (await this.redis.get(this.key("aad-of", botFrameworkId))) ?? undefined;
  }

  bot(): Promise<ChannelAccount | undefined> {
    return this.json(this.key("bot"));
  }

  async serviceUrl(tenantId?: string): Promise<string | undefined> {
    const forTenant = tenantId ? await this.redis.get(this.key("service-url", tenantId)) : null;
    return forTenant ?? (await this.redis.get(this.key("service-url"))) ?? undefined;
  }

  /** Display names of these AAD object ids, where known. */
  async names(aadObjectIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (aadObjectIds.length === 0) return names;
    // One HGET per person (each in its own hash slot); the client batches them per node.
    const found = await Promise.all(
      aadObjectIds.map((id) => this.redis.hget(this.key("user", id), "name").catch(() => null)),
    );
    found.forEach((name, i) => {
      if (name) names.set(aadObjectIds[i], name);
    });
    return names;
  }

  /**
   * Chats (1:1 and group) have no reply chains: the bot's latest top-level post there stands for
   * "the thread", so an answer typed in the chat reaches the case whose question was posted last.
   */
  chatThread(chatId: string): Promise<string | null> {
    return this.redis.get(this.key("chat-thread", chatId));
  }

  async setChatThread(chatId: string, messageId: string): Promise<void> {
    await this.redis.set(this.key("chat-thread", chatId), messageId);
  }
}
