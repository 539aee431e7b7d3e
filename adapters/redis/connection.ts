import Redis, { type RedisOptions } from "ioredis";

/** What a caller may tune on a connection; everything else has the house defaults below. */
export interface RedisConnectionOptions {
  /** Shown by `CLIENT LIST`, so an operator can tell web, worker and BullMQ connections apart. */
  name?: string;
  /** Receives connection errors (a logger). Without it ioredis prints them to stderr itself. */
  onError?: (error: Error) => void;
  /** Anything else ioredis accepts, applied last. */
  overrides?: RedisOptions;
}

/**
 * Reconnects forever, backing off to at most 5 s: Redis holds all state, so a process without it can
 * only wait. Requests in flight fail after a few attempts instead (see `maxRetriesPerRequest`).
 */
function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt, 6), 5000);
}

/** After a failover the old primary answers READONLY: reconnect (and resend) so we reach the new one. */
function reconnectOnReadOnly(error: Error): boolean | 2 {
  return error.message.startsWith("READONLY") ? 2 : false;
}

function build(url: string, defaults: RedisOptions, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    retryStrategy: reconnectDelay,
    reconnectOnError: reconnectOnReadOnly,
    ...defaults,
    ...options.overrides,
  });
  if (options.onError) redis.on("error", options.onError);
  return redis;
}

/**
 * The connection the stores use (`RedisCaseStore`, `RedisIdempotencyStore`, `RedisAuditLog`).
 * A command fails after 5 reconnect attempts rather than hanging a chat request; `rediss://` URLs
 * turn TLS on.
 *
 * @example const redis = createRedis(config.redisUrl, { name: "offboard-web", onError: (e) => log.error(e) });
 */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  return build(url, { maxRetriesPerRequest: 5, enableReadyCheck: true }, options);
}

/**
 * A connection for BullMQ queues and workers. BullMQ requires `maxRetriesPerRequest: null` (its
 * blocking commands must survive a reconnect) and runs its own ready checks. Give each Worker its own
 * connection; Queues may share one.
 */
export function createBullConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return build(url, { maxRetriesPerRequest: null, enableReadyCheck: false }, { name: "offboard-bullmq", ...options });
}
