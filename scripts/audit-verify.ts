/**
 * `npm run audit:verify -- <case id>`: verifies the keyed hash chain of one case's audit trail in Redis
 * and says where it breaks. Reads REDIS_URL (or REDIS_CLUSTER_NODES), OFFBOARD_KEY_PREFIX, OFFBOARD_AUDIT_KEY
 * and OFFBOARD_AUDIT_KEYS_PREVIOUS like the bot does. In the production image (no tsx):
 * `node dist/scripts/audit-verify.js <case id>`.
 *
 * Exit code: 0 the trail is intact, 1 it is broken (or there is none), 2 usage or configuration
 * problem, or Redis could not be read.
 */
import { createRedis } from "../adapters/redis/connection";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisKeys } from "../adapters/redis/keys";
import { parseRedisClusterNodes } from "../src/redis-cluster-nodes";
import { auditKeyringFromEnv, developmentAuditKey } from "../src/audit/audit-key";

export const usage = `Verifies the audit trail of one case: its keyed hash chain and its recorded head.

Usage: npm run audit:verify -- <case id>        (e.g. OFB-2026-0042)

Environment: REDIS_URL (default redis://127.0.0.1:6379) or REDIS_CLUSTER_NODES (a Redis Cluster's
host:port list), OFFBOARD_KEY_PREFIX (default offboard:),
OFFBOARD_AUDIT_KEY (the bot's key; required when NODE_ENV=production), OFFBOARD_AUDIT_KEYS_PREVIOUS
(older keys, comma-separated, for events written before a rotation).

Exit code: 0 intact, 1 broken or no trail, 2 usage, configuration or Redis problem.`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const console_: Output = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Runs the verification; resolves to the exit code. */
export async function verifyAuditCommand(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  output: Output = console_,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    output.out(usage);
    return 0;
  }
  if (argv.length !== 1 || argv[0].startsWith("-")) {
    output.err(usage);
    return 2;
  }
  const caseId = argv[0];
  const { keyring, problems } = auditKeyringFromEnv(env);
  if (!keyring) {
    for (const problem of problems) output.err(problem);
    return 2;
  }
  const cluster = env.REDIS_CLUSTER_NODES ? parseRedisClusterNodes(env.REDIS_CLUSTER_NODES) : undefined;
  if (cluster && "problems" in cluster) {
    for (const problem of cluster.problems) output.err(`REDIS_CLUSTER_NODES: ${problem}`);
    return 2;
  }
  const redisUrl = env.REDIS_URL || "redis://127.0.0.1:6379";
  const where = cluster
    ? `the Redis Cluster at ${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`
    : withoutPassword(redisUrl);
  const prefix = env.OFFBOARD_KEY_PREFIX ?? "offboard:";
  const redis = createRedis(cluster ?? redisUrl, {
    name: "offboard-audit-verify",
    onError: () => undefined,
    // One attempt, no reconnecting: a command line answers at once when Redis is away.
    overrides: { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false },
    clusterOverrides: { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null },
  });
  try {
    await redis.connect();
    const log = new RedisAuditLog(redis, prefix, keyring);
    const [{ events, verification }, head] = await Promise.all([log.readVerified(caseId), log.head(caseId)]);
    if (keyring.current.id === developmentAuditKey.id)
      output.err("note: OFFBOARD_AUDIT_KEY is not set: verifying with the published development key");
    if (events.length === 0 && head === "") {
      output.out(
        `${caseId}: no audit events under ${new RedisKeys(prefix).caseAudit(caseId)} (an unknown case, or the whole trail deleted)`,
      );
      return 1;
    }
    const byKey = new Map<string, number>();
    for (const event of events) byKey.set(event.keyId, (byKey.get(event.keyId) ?? 0) + 1);
    const keys = [...byKey].map(([id, n]) => `${id || "none"} ×${n}`).join(", ");
    if (verification.ok) {
      output.out(
        `${caseId}: audit trail intact: ${verification.count} events, chain and head verified (keys: ${keys})`,
      );
      return 0;
    }
    const at = events[verification.index];
    output.out(
      `${caseId}: audit trail BROKEN at event ${verification.index + 1} of ${events.length}` +
        `${at ? ` (${at.id}, ${at.action}, ${at.at})` : ""}: ${verification.reason}`,
    );
    if (verification.index > 0)
      output.out(
        `  events 1–${verification.index} verify; nothing from event ${verification.index + 1} on can be trusted`,
      );
    return 1;
  } catch (error) {
    output.err(
      `could not read the audit trail from ${where}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  } finally {
    redis.disconnect();
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "REDIS_URL";
  }
}

if (require.main === module) {
  void verifyAuditCommand(process.argv.slice(2)).then((code) => process.exit(code));
}
