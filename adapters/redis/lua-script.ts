import type { RedisClient } from "./connection";
import { createHash } from "node:crypto";

/**
 * A server-side script run by its SHA-1 (EVALSHA), sent in full only when the server does not have it
 * yet (after a restart or SCRIPT FLUSH). Scripts run atomically: that is what the stores' compare-and-set
 * operations rely on.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(
    private readonly source: string,
    private readonly keyCount: number,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== this.keyCount) throw new Error(`Lua script expects ${this.keyCount} keys, got ${keys.length}`);
    try {
      return await redis.evalsha(this.sha, this.keyCount, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, this.keyCount, ...keys, ...args);
    }
  }
}
