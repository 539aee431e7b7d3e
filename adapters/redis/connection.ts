import Redis, { Cluster, type ClusterOptions, type RedisOptions } from "ioredis";

/**
 * A connection to Offboard's Redis: one server (`Redis`) or a Redis Cluster (`Cluster`). Both speak the
 * same commands; on a cluster every key one script, MULTI or multi-key command touches must share a hash
 * slot, which `RedisKeys` sees to (hash tags per case).
 */
export type RedisClient = Redis | Cluster;

/**
 * A Redis Cluster to connect to (`REDIS_CLUSTER_NODES`): a few of its nodes to discover the rest from,
 * and how to reach them. The same shape as `Config.redisCluster`.
 */
export interface RedisClusterTarget {
  nodes: { host: string; port: number }[];
  /** Every node is reached over TLS (`rediss://` entries; managed offerings with encryption in transit). */
  tls: boolean;
  username?: string;
  password?: string;
}

/** Where Redis is: a `redis://`/`rediss://` URL (one server) or a cluster. */
export type RedisTarget = string | RedisClusterTarget;

/** What a caller may tune on a connection; everything else has the house defaults below. */
export interface RedisConnectionOptions {
  /** Shown by `CLIENT LIST`, so an operator can tell web, worker and BullMQ connections apart. */
  name?: string;
  /** Receives connection errors (a logger). Without it ioredis prints them to stderr itself. */
  onError?: (error: Error) => void;
  /** Anything else ioredis accepts, applied last (to every node's connection on a cluster). */
  overrides?: RedisOptions;
  /** On a cluster: options of the cluster client itself (`lazyConnect`, `enableOfflineQueue`, …), applied last. */
  clusterOverrides?: ClusterOptions;
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

function buildSingle(url: string, defaults: RedisOptions, options: RedisConnectionOptions): Redis {
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
 * A cluster client. Slots move on failover and resharding: ioredis follows MOVED/ASK redirections and
 * refreshes its slot table; `retryDelayOnFailover` and `retryDelayOnClusterDown` keep commands waiting
 * (instead of failing) while a replica is promoted. Auto-pipelining batches the commands bound for each
 * node, so reading many cases one key at a time costs one round trip per node.
 */
function buildCluster(target: RedisClusterTarget, defaults: RedisOptions, options: RedisConnectionOptions): Cluster {
  const clusterOptions: ClusterOptions = {
    clusterRetryStrategy: reconnectDelay,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    // A failover takes a few seconds: enough redirections to ride one out.
    maxRedirections: 32,
    enableReadyCheck: true,
    enableAutoPipelining: true,
    // Managed clusters over TLS announce names whose certificates match only the names themselves:
    // connect by name rather than by the address DNS returns (ElastiCache, MemoryDB).
    ...(target.tls ? { dnsLookup: (address, lookedUp) => lookedUp(null, address) } : {}),
    redisOptions: {
      connectionName: options.name,
      reconnectOnError: reconnectOnReadOnly,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
      ...defaults,
      ...options.overrides,
    },
    ...options.clusterOverrides,
  };
  const cluster = new Cluster(target.nodes, clusterOptions);
  if (options.onError) cluster.on("error", options.onError);
  return cluster;
}

function build(target: RedisTarget, defaults: RedisOptions, options: RedisConnectionOptions): RedisClient {
  return typeof target === "string" ? buildSingle(target, defaults, options) : buildCluster(target, defaults, options);
}

/** Whether this connection is to a Redis Cluster. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/**
 * The connection the stores use (`RedisCaseStore`, `RedisIdempotencyStore`, `RedisAuditLog`, …).
 * A command fails after 5 reconnect attempts rather than hanging a chat request; `rediss://` URLs
 * turn TLS on. Given a cluster target, a `Cluster` client.
 *
 * @example const redis = createRedis(config.redisCluster ?? config.redisUrl, { name: "offboard-web" });
 */
export function createRedis(url: string, options?: RedisConnectionOptions): Redis;
export function createRedis(target: RedisTarget, options?: RedisConnectionOptions): RedisClient;
export function createRedis(target: RedisTarget, options: RedisConnectionOptions = {}): RedisClient {
  return build(target, { maxRetriesPerRequest: 5, enableReadyCheck: true }, options);
}

/**
 * A connection for BullMQ queues and workers. BullMQ requires `maxRetriesPerRequest: null` (its
 * blocking commands must survive a reconnect) and runs its own ready checks. Give each Worker its own
 * connection; Queues may share one. On a cluster, BullMQ's prefix must be one hash tag
 * (`RedisKeys.bull()`: `{offboard:bull}`).
 */
export function createBullConnection(url: string, options?: RedisConnectionOptions): Redis;
export function createBullConnection(target: RedisTarget, options?: RedisConnectionOptions): RedisClient;
export function createBullConnection(target: RedisTarget, options: RedisConnectionOptions = {}): RedisClient {
  return build(
    target,
    { maxRetriesPerRequest: null, enableReadyCheck: false },
    { name: "offboard-bullmq", ...options },
  );
}

/**
 * A new connection to the same Redis with the same options, e.g. for a pub/sub subscriber (a subscribed
 * connection can run nothing else).
 */
export function duplicateConnection(redis: RedisClient): RedisClient {
  return isCluster(redis) ? redis.duplicate() : redis.duplicate();
}
