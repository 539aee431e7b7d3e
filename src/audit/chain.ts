import { canonicalJson, sha256Hex } from "../canonical";
import type { AuditActor, AuditEvent } from "../ports";

/**
 * The audit trail's hash chain, pure. Each event's hash covers its own fields and the hash of the
 * event before it in the same case, so editing an event changes its hash and deleting one leaves
 * the next event pointing at a hash that is no longer there. `verifyChain` finds the first such break.
 */

/** The fields an event's hash covers. The payload is covered through its digest. */
export type ChainedFields = Pick<
  AuditEvent,
  "caseId" | "actor" | "party" | "action" | "at" | "payloadDigest" | "prevHash"
>;

/** SHA-256 over the canonical JSON of the chained fields; any extra property of `fields` is ignored. */
export function hashEvent(fields: ChainedFields): string {
  const { caseId, actor, party, action, at, payloadDigest, prevHash } = fields;
  return sha256Hex(canonicalJson({ caseId, actor, party, action, at, payloadDigest, prevHash }));
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

export type ChainVerdict = { ok: true; count: number } | { ok: false; index: number; eventId: string; reason: string };

/**
 * Checks the events of one case, oldest first, and reports the first broken link:
 * - a payload that no longer matches its digest, or fields that no longer match the hash (an edit);
 * - a `prevHash` that is not the hash of the event before (an event deleted, inserted or reordered;
 *   also an edit whose author recomputed the edited event's hash).
 * Deleting the newest events leaves a valid shorter chain: compare the last hash with the recorded
 * head to catch that (the Redis audit log's `verifyCaseAudit` does).
 */
export function verifyChain(events: AuditEvent[]): ChainVerdict {
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const broken = (reason: string): ChainVerdict => ({ ok: false, index, eventId: event.id, reason });
    const digest = payloadDigest(event.payload);
    if (digest !== event.payloadDigest) {
      return broken(
        `event ${event.id} (${event.action}) was edited: its payload no longer matches the digest recorded with it`,
      );
    }
    if (hashEvent(event) !== event.hash) {
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
