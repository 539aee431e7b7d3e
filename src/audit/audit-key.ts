import { createHash } from "node:crypto";

/**
 * The secret the audit chain's hashes are keyed with (`OFFBOARD_AUDIT_KEY`): whoever can write to Redis
 * but does not hold it cannot rewrite an event and recompute the chain after it.
 *
 * `id` is the first 8 hex digits of the SHA-256 of the key's bytes. Every event records the id of the
 * key it was hashed under, so a trail written before a key rotation stays verifiable when the operator
 * still supplies the older key (`OFFBOARD_AUDIT_KEYS_PREVIOUS`).
 */
export interface AuditKey {
  id: string;
  secret: Buffer;
}

/**
 * The key new events are hashed under, and the older keys events may have been hashed under, newest
 * first. Any of them verifies any event: during a rolling restart old and new processes write to the
 * same trails.
 *
 * @example auditKeyring(parseAuditKey("…64 hex digits…"), [parseAuditKey(oldKeyText)])
 */
export interface AuditKeyring {
  current: AuditKey;
  previous: AuditKey[];
}

/** At least 256 bits, the size of the HMAC-SHA-256 key the chain uses. */
export const minAuditKeyBytes = 32;

export function auditKey(secret: Buffer): AuditKey {
  return { id: createHash("sha256").update(secret).digest("hex").slice(0, 8), secret };
}

export function auditKeyring(current: AuditKey, previous: AuditKey[] = []): AuditKeyring {
  return { current, previous: previous.filter((key) => key.id !== current.id) };
}

/**
 * Reads a key as given in the environment, in this order:
 * - hex: only hex digits, an even number of them, at least 64 (`openssl rand -hex 32`); a shorter run of
 *   hex digits is refused rather than taken as text (it is most likely `openssl rand -hex 16`);
 * - base64 (standard or URL-safe, padding optional) decoding to at least 32 bytes (`openssl rand -base64 32`);
 * - otherwise the text itself (UTF-8), at least 32 bytes long.
 * Returns the reason when the text is none of them.
 */
export function parseAuditKey(text: string): AuditKey | { problem: string } {
  const value = text.trim();
  if (/^[0-9a-fA-F]+$/.test(value)) {
    if (value.length % 2 === 0 && value.length >= 2 * minAuditKeyBytes) return auditKey(Buffer.from(value, "hex"));
    return {
      problem: `looks like hex but has ${value.length} digits: give an even number of at least ${2 * minAuditKeyBytes} (32 bytes; make one with \`openssl rand -hex 32\`)`,
    };
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length >= minAuditKeyBytes) return auditKey(bytes);
  }
  const raw = Buffer.from(value, "utf8");
  if (raw.length >= minAuditKeyBytes) return auditKey(raw);
  return {
    problem: `must be at least ${minAuditKeyBytes} bytes: 64 hex digits, base64 of 32 bytes, or a text of at least ${minAuditKeyBytes} characters (make one with \`openssl rand -hex 32\`)`,
  };
}

/**
 * A fixed key, published here, used only outside production when `OFFBOARD_AUDIT_KEY` is unset. It
 * keys nothing secret: a trail hashed under it can be recomputed by anyone. Refused in production.
 */
export const developmentAuditKey: AuditKey = auditKey(
  Buffer.from("offboard development audit key: not a secret, never for production", "utf8"),
);

/**
 * The audit keyring from the environment: `OFFBOARD_AUDIT_KEY` (required when `NODE_ENV=production`,
 * else the development key) and `OFFBOARD_AUDIT_KEYS_PREVIOUS` (comma-separated, newest first).
 * Returns every problem found, as `<VARIABLE>: <reason>` lines.
 */
export function auditKeyringFromEnv(env: Record<string, string | undefined>): {
  keyring?: AuditKeyring;
  problems: string[];
} {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";
  let current: AuditKey | undefined;
  const text = env.OFFBOARD_AUDIT_KEY?.trim();
  if (!text) {
    if (production)
      problems.push(
        "OFFBOARD_AUDIT_KEY: required when NODE_ENV=production: the secret the audit chain is keyed with (make one with `openssl rand -hex 32`)",
      );
    else current = developmentAuditKey;
  } else {
    const parsed = parseAuditKey(text);
    if ("problem" in parsed) problems.push(`OFFBOARD_AUDIT_KEY: ${parsed.problem}`);
    else if (production && parsed.id === developmentAuditKey.id)
      problems.push("OFFBOARD_AUDIT_KEY: the published development key is refused when NODE_ENV=production");
    else current = parsed;
  }
  const previous: AuditKey[] = [];
  for (const [i, part] of (env.OFFBOARD_AUDIT_KEYS_PREVIOUS ?? "").split(",").entries()) {
    if (!part.trim()) continue;
    const parsed = parseAuditKey(part);
    if ("problem" in parsed) problems.push(`OFFBOARD_AUDIT_KEYS_PREVIOUS: key ${i + 1} ${parsed.problem}`);
    else previous.push(parsed);
  }
  if (!current || problems.length > 0) return { problems };
  return { keyring: auditKeyring(current, previous), problems };
}
