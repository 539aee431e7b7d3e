import type { RedisClient } from "../redis/connection";
import type { AdaptiveCard } from "./adaptive-card";
import { RedisKeys } from "../redis/keys";

/** Long enough for a handoff (target dates are weeks out); a card older than this is only not refreshed inline. */
const cardTtlSeconds = 90 * 86400;

export interface PostedCard {
  card: AdaptiveCard;
  /** Increases with every post or update of the message: an invoke compares it before and after. */
  revision: number;
}

/**
 * The latest card of each message the bot posted, in Redis. A Universal Action's invoke response
 * replaces the card for the person who pressed the button, so it must carry the card as the core
 * just re-rendered it (`chat.update`); this is where the adapter finds it, in any process.
 */
export class PostedCards {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(channelId: string, messageId: string): string {
    return new RedisKeys(this.prefix).teams("card", channelId, messageId);
  }

  async save(channelId: string, messageId: string, card: AdaptiveCard): Promise<void> {
    const key = this.key(channelId, messageId);
    await this.redis
      .multi()
      .hset(key, "card", JSON.stringify(card))
      .hincrby(key, "revision", 1)
      .expire(key, cardTtlSeconds)
      .exec();
  }

  async get(channelId: string, messageId: string): Promise<PostedCard | undefined> {
    const fields = await this.redis.hgetall(this.key(channelId, messageId));
    if (!fields.card) return undefined;
    return { card: JSON.parse(fields.card) as AdaptiveCard, revision: Number(fields.revision ?? 0) };
  }

  async revision(channelId: string, messageId: string): Promise<number> {
    return Number((await this.redis.hget(this.key(channelId, messageId), "revision")) ?? 0);
  }
}
