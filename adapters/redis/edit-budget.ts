import type { EditBudget } from "../../src/edit-budget";
import type { RedisClient } from "./connection";
import { RedisKeys } from "./keys";
import { LuaScript } from "./lua-script";

/** Counts one edit in the window's counter, which lives two windows. KEYS: counter. ARGV: its lifetime (ms). */
const takeScript = new LuaScript(
  `local taken = redis.call('INCR', KEYS[1])
if taken == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return taken`,
  1,
);

/**
 * The edit budget in Redis: a counter per scope and fixed window (`edit-budget:{<scope>}:<window>`), so every web and
 * worker process editing in one workspace draws on the same budget.
 */
export class RedisEditBudget implements EditBudget {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  async take(scope: string, limit: number, windowMs: number): Promise<boolean> {
    const window = Math.floor(Date.now() / windowMs);
    const taken = Number(await takeScript.run(this.redis, [this.keys.editBudget(scope, window)], [2 * windowMs]));
    return taken <= limit;
  }
}
