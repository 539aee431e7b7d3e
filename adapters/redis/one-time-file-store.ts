import type { RedisClient } from "./connection";
import { createHash, randomBytes } from "node:crypto";
import type { ChatFile } from "../../src/ports";
import { RedisKeys } from "./keys";

/** How long a file waits for its one download by default: an hour. */
export const defaultFileTtlSeconds = 3600;

/** A one-time download token: 32 random bytes, base64url (43 characters). */
export const fileTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Files handed over by a link that works once (the Teams download card, the demo channel's download):
 * each is stored under the SHA-256 of a random token, with a TTL, and taken with GETDEL, so two
 * downloads at once can't both get it. The token itself is never stored or logged; only the link
 * carries it.
 *
 * | key (under the prefix)   | type   | holds                                            |
 * | ------------------------ | ------ | ------------------------------------------------ |
 * | `file:<sha256 of token>` | string | the ChatFile as JSON, expiring after `ttlSeconds` |
 */
export class OneTimeFileStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    /** How long an unused link works. Default an hour. */
    readonly ttlSeconds = defaultFileTtlSeconds,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  /** Stores the file and returns the token of its one download. */
  async put(file: ChatFile): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.redis.set(this.keys.oneTimeFile(hashToken(token)), JSON.stringify(file), "EX", this.ttlSeconds);
    return token;
  }

  /** The file, removed as it is read; undefined when the token is unknown, used or expired. */
  async take(token: string): Promise<ChatFile | undefined> {
    if (!fileTokenPattern.test(token)) return undefined;
    const json = await this.redis.getdel(this.keys.oneTimeFile(hashToken(token)));
    return json ? (JSON.parse(json) as ChatFile) : undefined;
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
