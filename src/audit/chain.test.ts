import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical";
import type { AuditEvent } from "../ports";
import { auditKey, auditKeyring, type AuditKey } from "./audit-key";
import { actorKey, hashEvent, payloadDigest, placeKey, verifyChain } from "./chain";

const key = auditKey(Buffer.alloc(32, 1));
const olderKey = auditKey(Buffer.alloc(32, 2));
const keys = auditKeyring(key);

/** Builds a valid chain of `n` events of one case, hashed under `keyOf(i)` (the current key by default). */
function chainOf(n: number, keyOf: (i: number) => AuditKey = () => key): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    const payload = { step: i, accounts: ["123456789012"] };
    const fields = {
      caseId: "OFB-2026-0001",
      actor: i % 2 === 0 ? "system" : "slack:U0CUSTOMER@T0CUSTOMER",
      party: i % 2 === 0 ? undefined : ("customer" as const),
      action: `ticket.answered`,
      at: new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString(),
      payloadDigest: payloadDigest(payload),
      prevHash: i === 0 ? "" : events[i - 1].hash,
      keyId: keyOf(i).id,
    };
    events.push({ id: `1700000000000-${i}`, ...fields, payload, hash: hashEvent(fields, keyOf(i)) });
  }
  return events;
}

describe("the audit hash chain", () => {
  it("names actors by platform, user and team, and Offboard itself as system", () => {
    expect(actorKey("system")).toBe("system");
    expect(actorKey({ platform: "slack", userId: "U1", teamId: "T1", name: "Ann" })).toBe("slack:U1@T1");
    expect(actorKey({ platform: "teams", userId: "aad-object-id" })).toBe("teams:aad-object-id@-");
  });

  it("hashes the same fields the same whatever the key order, and ignores fields outside the chain", () => {
    const [event] = chainOf(1);
    const reordered = {
      prevHash: event.prevHash,
      at: event.at,
      action: event.action,
      actor: event.actor,
      caseId: event.caseId,
      payloadDigest: event.payloadDigest,
      keyId: event.keyId,
    };
    expect(hashEvent(reordered, key)).toBe(event.hash);
    expect(hashEvent({ ...event, id: "another-stream-id", payload: "ignored" } as AuditEvent, key)).toBe(event.hash);
    expect(hashEvent({ ...event, action: "ticket.edited" }, key)).not.toBe(event.hash);
  });

  it("covers where a person acted when the event says it, and leaves events without a place as they were", () => {
    const [event] = chainOf(1);
    const placed = {
      ...event,
      where: placeKey({ platform: "teams", conversation: "19:acme@thread.tacv2", thread: "17" }),
    };
    expect(placed.where).toBe("teams:19:acme@thread.tacv2/17");
    expect(hashEvent(placed, key)).not.toBe(event.hash);
    expect(hashEvent({ ...placed, where: "slack:C1/17" }, key)).not.toBe(hashEvent(placed, key));
    expect(hashEvent({ ...event, where: undefined }, key)).toBe(event.hash);
    expect(placeKey({ platform: "slack" })).toBe("slack:-");
  });

  it("hashes with HMAC-SHA-256 under the key: another key, or no key, gives another hash", () => {
    const [event] = chainOf(1);
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEvent(event, olderKey)).not.toBe(event.hash);
    const { caseId, actor, action, at, payloadDigest: digest, prevHash, keyId } = event;
    const unkeyed = createHash("sha256")
      .update(canonicalJson({ caseId, actor, action, at, payloadDigest: digest, prevHash, keyId }))
      .digest("hex");
    expect(unkeyed).not.toBe(event.hash);
  });

  it("digests payloads canonically and tells an absent payload from null", () => {
    expect(payloadDigest({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(payloadDigest({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(payloadDigest(undefined)).not.toBe(payloadDigest(null));
  });

  it("accepts an intact chain, and an empty one", () => {
    expect(verifyChain(chainOf(5), keys)).toEqual({ ok: true, count: 5 });
    expect(verifyChain([], keys)).toEqual({ ok: true, count: 0 });
  });

  it("reports an event whose action was edited", () => {
    const events = chainOf(5);
    events[2] = { ...events[2], action: "signoff.recorded" };
    expect(verifyChain(events, keys)).toMatchObject({
      ok: false,
      index: 2,
      eventId: events[2].id,
      reason: expect.stringContaining("no longer match its hash"),
    });
  });

  it("reports an event whose payload was edited", () => {
    const events = chainOf(5);
    events[3] = { ...events[3], payload: { step: 3, accounts: ["999999999999"] } };
    expect(verifyChain(events, keys)).toMatchObject({
      ok: false,
      index: 3,
      reason: expect.stringContaining("payload"),
    });
  });

  it("reports the event after an edit whose author recomputed its hash with the key", () => {
    const events = chainOf(5);
    const forged = { ...events[1], actor: "slack:U0ATTACKER@T0ATTACKER" };
    events[1] = { ...forged, hash: hashEvent(forged, key) };
    expect(verifyChain(events, keys)).toMatchObject({ ok: false, index: 2, eventId: events[2].id });
  });

  it("reports a chain rewritten and recomputed from the edit on under a key of the writer's own", () => {
    const events = chainOf(4);
    const own = auditKey(Buffer.alloc(32, 9));
    let prevHash = events[0].hash;
    for (let i = 1; i < events.length; i++) {
      const edited = { ...events[i], prevHash, actor: i === 1 ? "slack:U0ATTACKER@T0ATTACKER" : events[i].actor };
      events[i] = { ...edited, hash: hashEvent(edited, own) };
      prevHash = events[i].hash;
    }
    expect(verifyChain(events, keys)).toMatchObject({
      ok: false,
      index: 1,
      reason: expect.stringContaining("fields no longer match its hash"),
    });
    const relabelled = events.map((e, i) => (i === 0 ? e : { ...e, keyId: own.id }));
    expect(verifyChain(relabelled, keys)).toMatchObject({
      ok: false,
      index: 1,
      reason: expect.stringContaining(`audit key ${own.id}, which is neither OFFBOARD_AUDIT_KEY`),
    });
  });

  it("verifies events written under a previous key when that key is supplied, and names the key when it is not", () => {
    const events = chainOf(4, (i) => (i < 2 ? olderKey : key));
    expect(verifyChain(events, auditKeyring(key, [olderKey]))).toEqual({ ok: true, count: 4 });
    expect(verifyChain(events, keys)).toMatchObject({
      ok: false,
      index: 0,
      reason: expect.stringContaining(`audit key ${olderKey.id}`),
    });
  });

  it("accepts the old and the new key interleaved, as processes write during a rolling restart", () => {
    const events = chainOf(4, (i) => (i % 2 === 0 ? olderKey : key));
    expect(verifyChain(events, auditKeyring(key, [olderKey]))).toEqual({ ok: true, count: 4 });
  });

  it("refuses an event without a key id", () => {
    const events = chainOf(1);
    expect(verifyChain([{ ...events[0], keyId: "" }], keys)).toMatchObject({
      ok: false,
      index: 0,
      reason: expect.stringContaining("no audit key id"),
    });
  });

  it("reports the event after a deleted one, and a trail whose first event was deleted", () => {
    const events = chainOf(5);
    expect(verifyChain([...events.slice(0, 2), ...events.slice(3)], keys)).toMatchObject({
      ok: false,
      index: 2,
      eventId: events[3].id,
      reason: expect.stringContaining("deleted"),
    });
    expect(verifyChain(events.slice(1), keys)).toMatchObject({ ok: false, index: 0, eventId: events[1].id });
  });

  it("reports two events swapped", () => {
    const events = chainOf(4);
    expect(verifyChain([events[0], events[2], events[1], events[3]], keys)).toMatchObject({ ok: false, index: 1 });
  });
});
