import { createHmac } from "node:crypto";
import { canonicalJson, sha256Hex } from "../canonical";
import type { AuditActor, AuditEvent, AuditPlace } from "../ports";
import type { AuditKey, AuditKeyring } from "./audit-key";

/**
 * The audit trail's keyed hash chain, pure. Each event's hash is an HMAC-SHA-256, under the audit key,
 * of its own fields and the hash of the event before it in the same case, so editing an event changes
 * its hash, deleting one leaves the next event pointing at a hash that is no longer there, and nobody
 * without the key can compute the hashes an edit would need. `verifyChain` finds the first break.
 */

/** The fields an event's hash covers. The payload is covered through its digest. */
export type ChainedFields = Pick<
  AuditEvent,
  "caseId" | "actor" | "party" | "where" | "action" | "at" | "payloadDigest" | "prevHash" | "keyId"
>;

/**
 * HMAC-SHA-256 under `key` of the canonical JSON of the chained fields (the key's id among them); any
 * extra property of `fields` is ignored. `fields.keyId` must be `key.id`.
 */
export function hashEvent(fields: ChainedFields, key: AuditKey): string {
  // `where` joins the hash only when present: events written before it existed keep their hashes.
  const { caseId, actor, party, where, action, at, payloadDigest, prevHash, keyId } = fields;
  return createHmac("sha256", key.secret)
    .update(canonicalJson({ caseId, actor, party, where, action, at, payloadDigest, prevHash, keyId }))
    .digest("hex");
}

/**
 * SHA-256 of the canonical JSON of the payload. An absent payload hashes the empty string, so it
 * differs from an explicit `null`.
 */
export function payloadDigest(payload: unknown): string {
  return sha256Hex(payload === undefined ? "" : canonicalJson(payload));
}

/**
 * Who acted, as the chain records it: `system`, or `<platform>:<userId>@<teamId>` (`-` when the team
 * is unknown). The display name is left out on purpose: it can change and decides nothing.
 */
export function actorKey(actor: AuditActor): string {
  if (actor === "system") return "system";
  return `${actor.platform}:${actor.userId}@${actor.teamId ?? "-"}`;
}

/**
 * Where someone acted, as the chain records it: `<platform>:<conversation>`, plus `/<thread>` inside a thread
 * (`teams:19:acme@thread.tacv2/1700000000001`, `slack:C0123/1760000000.000100`); `slack:-` for a form.
 */
export function placeKey(place: AuditPlace): string {
  return `${place.platform}:${place.conversation ?? "-"}${place.thread ? `/${place.thread}` : ""}`;
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; index: number; eventId: string; reason: string };

/**
 * Checks the events of one case, oldest first, and reports the first broken link:
 * - a payload that no longer matches its digest, or fields that no longer match the hash (an edit,
 *   also one whose author recomputed the hash without the key);
 * - an event hashed under a key the keyring does not hold (forged, or written under an older key the
 *   operator did not supply); the current and previous keys may alternate (a rolling restart after a
 *   rotation has processes on both);
 * - a `prevHash` that is not the hash of the event before (an event deleted, inserted or reordered).
 * Deleting the newest events leaves a valid shorter chain: compare the last hash with the recorded
 * head to catch that (the Redis audit log's `verifyCaseAudit` does).
 */
export function verifyChain(events: AuditEvent[], keyring: AuditKeyring): ChainVerdict {
  const keys = [keyring.current, ...keyring.previous];
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const broken = (reason: string): ChainVerdict => ({ ok: false, index, eventId: event.id, reason });
    const digest = payloadDigest(event.payload);
    if (digest !== event.payloadDigest) {
      return broken(
        `event ${event.id} (${event.action}) was edited: its payload no longer matches the digest recorded with it`,
      );
    }
    const rank = keys.findIndex((key) => key.id === event.keyId);
    if (rank < 0) {
      return broken(
        event.keyId
          ? `event ${event.id} (${event.action}) is hashed under audit key ${event.keyId}, which is neither OFFBOARD_AUDIT_KEY (${keyring.current.id}) nor in OFFBOARD_AUDIT_KEYS_PREVIOUS: supply that key, or the event was forged`
          : `event ${event.id} (${event.action}) carries no audit key id: it was not written by a keyed chain`,
      );
    }
    if (hashEvent(event, keys[rank]) !== event.hash) {
      return broken(`event ${event.id} (${event.action}) was edited: its fields no longer match its hash`);
    }
    const expectedPrev = index === 0 ? "" : events[index - 1].hash;
    if (event.prevHash !== expectedPrev) {
      return broken(
        index === 0
          ? `event ${event.id} (${event.action}) follows an event that is missing: the first event(s) of the trail were deleted`
          : `event ${event.id} (${event.action}) does not follow event ${events[index - 1].id}: an event between them was deleted, or the one before was edited`,
      );
    }
  }
  return { ok: true, count: events.length };
}
