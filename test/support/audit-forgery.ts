import type Redis from "ioredis";
import { createHash } from "node:crypto";
import { RedisKeys } from "../../adapters/redis/keys";

type StreamEntry = [string, string[]];

/**
 * The attack the keyed chain stops: rewrite events, then recompute every hash and the head
 * as a writer without the key can (plain SHA-256 over the chained fields, or any key of their own).
 */
export async function forgeTrail(
  redis: Redis,
  prefix: string,
  caseId: string,
  edit: (fields: Record<string, string>) => void,
): Promise<void> {
  const key = new RedisKeys(prefix).caseAudit(caseId);
  const entries = (await redis.xrange(key, "-", "+")) as StreamEntry[];
  await redis.del(key);
  let prevHash = "";
  for (const [id, flat] of entries) {
    const fields: Record<string, string> = {};
    for (let f = 0; f < flat.length; f += 2) fields[flat[f]] = flat[f + 1];
    edit(fields);
    fields.prevHash = prevHash;
    const chained = Object.fromEntries(
      Object.entries(fields)
        .filter(([name]) => !["payload", "hash"].includes(name))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    fields.hash = createHash("sha256").update(JSON.stringify(chained)).digest("hex");
    prevHash = fields.hash;
    await redis.xadd(key, id, ...Object.entries(fields).flat());
  }
  await redis.set(new RedisKeys(prefix).caseAuditHead(caseId), prevHash);
}
