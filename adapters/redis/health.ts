import { isCluster, type RedisClient } from "./connection";
import { ConfigError } from "../../src/errors";

/**
 * True when Redis answers PING within `timeoutMs` — on a Redis Cluster, when a node answers CLUSTER INFO with
 * `cluster_state:ok`: a node answers PING while the cluster has lost a shard and refuses every command on its
 * slots (https://redis.io/docs/latest/commands/cluster-info/: `fail` when a slot is unbound or served by a node in
 * FAIL state). For readiness probes (`/healthz`) and start-up waits: it never throws and never waits longer than the
 * timeout, even while ioredis is reconnecting and queueing commands.
 */
export async function isRedisReady(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = (
    isCluster(redis)
      ? redis.cluster("INFO").then((info) => /^cluster_state:ok\r?$/m.test(String(info)))
      : redis.ping().then((reply) => reply === "PONG")
  ).catch(() => false);
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The oldest Redis Offboard runs on: exclusive XRANGE bounds and SET … GET arrived in 6.2. */
export const minimumRedisVersion = "6.2.0";

export function isSupportedRedisVersion(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  return major > 6 || (major === 6 && minor >= 2);
}

/**
 * Reads the server's version and refuses one older than 6.2 with a ConfigError naming REDIS_URL, so
 * the process stops at start instead of failing on the first audit read.
 */
export async function checkRedisVersion(redis: RedisClient): Promise<string> {
  const info = await redis.info("server");
  const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? "unknown";
  if (!isSupportedRedisVersion(version)) {
    throw new ConfigError([
      `REDIS_URL: the server runs Redis ${version}; Offboard needs Redis ${minimumRedisVersion} or later`,
    ]);
  }
  return version;
}
