import { createHash } from "node:crypto";
import type { RedisClient } from "../redis/connection";
import type { Message } from "../../src/message";
import { RedisKeys } from "../redis/keys";

/** How long a held message waits for its person's 1:1 chat; the links in it expire sooner anyway. */
const holdSeconds = 7 * 24 * 3600;

/**
 * Private messages (Message.private: credential links) that could not reach a person because Teams would not
 * open a 1:1 chat with them, waiting for that chat: delivered when the person writes to the bot 1:1 or installs
 * it, each once.
 *
 * | key (under the prefix)              | type | holds                                                  |
 * | ----------------------------------- | ---- | ------------------------------------------------------ |
 * | `teams:held-private:<aadObjectId>`  | hash | message fingerprint (sha-256 of its JSON) → Message JSON |
 *
 * Keyed by fingerprint, so the same message held twice (a direct message and its private-notice fallback both
 * failing) is delivered once.
 */
export class HeldPrivateMessages {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  private key(userId: string): string {
    return this.keys.teams("held-private", userId);
  }

  async hold(userId: string, body: Message): Promise<void> {
    const json = JSON.stringify(body);
    const fingerprint = createHash("sha256").update(json).digest("hex");
    await this.redis.multi().hset(this.key(userId), fingerprint, json).expire(this.key(userId), holdSeconds).exec();
  }

  /** Every message held for `userId`, removed in the same step: two processes never both get one. */
  async take(userId: string): Promise<Message[]> {
    const results = await this.redis.multi().hvals(this.key(userId)).del(this.key(userId)).exec();
    const [error, values] = results?.[0] ?? [null, []];
    if (error) throw error;
    return (values as string[]).map((json) => JSON.parse(json) as Message);
  }
}
