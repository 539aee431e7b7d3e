import type { RedisClient } from "./connection";
import type { IdempotencyStore } from "../../src/ports";
import { RedisKeys } from "./keys";

/** A day: longer than Slack's retries (minutes) and Bot Framework redeliveries. */
const defaultTtlSeconds = 86400;

/**
 * Remembers request ids (Slack event ids, Teams activity ids, button presses) so a retry or a double
 * click does its work once. `SET NX EX` claims and expires in one atomic command, so two processes
 * receiving the same retry cannot both win.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async claim(key: string, ttlSeconds: number = defaultTtlSeconds): Promise<boolean> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
      throw new RangeError(`an idempotency claim needs a whole number of seconds above 0, got ${ttlSeconds}`);
    const reply = await this.redis.set(this.keys.idempotency(key), "1", "EX", ttlSeconds, "NX");
    return reply === "OK";
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.keys.idempotency(key));
  }
}
