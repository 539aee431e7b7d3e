import type { RedisClient } from "../redis/connection";
import { LuaScript } from "../redis/lua-script";

/**
 * Keeps every worker process together within `OFFBOARD_AWS_RATE_LIMIT` AWS requests per second.
 *
 * A generic cell rate algorithm (GCRA) in one Lua script: Redis keeps the "theoretical arrival time" of
 * the next request; each caller reserves the next free slot atomically and learns how long to wait for
 * it. One round trip per request, no polling, and slots are handed out in order, so a busy fleet of
 * workers runs at the limit rather than below it. The clock is Redis's own (`TIME`), so processes on
 * machines with skewed clocks still share one schedule.
 *
 * Slots go first come, first served. That is fair between account jobs — each has at most one request
 * waiting — and between cases because the jobs that run take turns by case (jobs/fair-share.ts).
 *
 * KEYS: the schedule key. ARGV: interval between requests (µs), burst allowance (µs).
 * Returns the wait in µs before the caller may send.
 */
const reserveSlot = new LuaScript(
  `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - burst - now
if wait < 0 then wait = 0 end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return wait`,
  1,
);

export interface RequestRateLimitOptions {
  /** Requests per second for all processes together. */
  perSecond: number;
  /** Requests that may go at once after a quiet spell; default 1 (a strictly even pace). */
  burst?: number;
  /** Told how long each request waited for its slot, in seconds (0 for none); metrics. Must not throw. */
  onWait?: (seconds: number) => void;
}

export class RequestRateLimit {
  private readonly intervalMicros: number;
  private readonly burstMicros: number;
  private readonly onWait?: (seconds: number) => void;

  constructor(
    private readonly redis: RedisClient,
    /** One key shared by every process that must share the limit, e.g. `offboard:aws-rate`. */
    private readonly key: string,
    options: RequestRateLimitOptions,
  ) {
    if (!(options.perSecond > 0))
      throw new RangeError(
        `the AWS rate limit must be a positive number of requests per second (got ${options.perSecond})`,
      );
    this.intervalMicros = Math.round(1_000_000 / options.perSecond);
    this.burstMicros = this.intervalMicros * Math.max(0, (options.burst ?? 1) - 1);
    this.onWait = options.onWait;
  }

  /** Resolves when this caller may send one request. */
  async acquire(): Promise<void> {
    const waitMicros = Number(await reserveSlot.run(this.redis, [this.key], [this.intervalMicros, this.burstMicros]));
    this.onWait?.(waitMicros / 1e6);
    if (waitMicros > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMicros / 1000)));
  }
}
