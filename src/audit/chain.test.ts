import type { AuditEvent } from "../ports";
import { actorKey, hashEvent, payloadDigest, verifyChain } from "./chain";

/** Builds a valid chain of `n` events of one case. */
function chainOf(n: number): AuditEvent[] {
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
    };
    events.push({ id: `1700000000000-${i}`, ...fields, payload, hash: hashEvent(fields) });
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
    };
    expect(hashEvent(reordered)).toBe(event.hash);
    expect(hashEvent({ ...event, id: "another-stream-id", payload: "ignored" } as AuditEvent)).toBe(event.hash);
    expect(hashEvent({ ...event, action: "ticket.edited" })).not.toBe(event.hash);
  });

  it("digests payloads canonically and tells an absent payload from null", () => {
    expect(payloadDigest({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(payloadDigest({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(payloadDigest(undefined)).not.toBe(payloadDigest(null));
  });

  it("accepts an intact chain, and an empty one", () => {
    expect(verifyChain(chainOf(5))).toEqual({ ok: true, count: 5 });
    expect(verifyChain([])).toEqual({ ok: true, count: 0 });
  });

  it("reports an event whose action was edited", () => {
    const events = chainOf(5);
    events[2] = { ...events[2], action: "signoff.recorded" };
    expect(verifyChain(events)).toMatchObject({
      ok: false,
      index: 2,
      eventId: events[2].id,
      reason: expect.stringContaining("no longer match its hash"),
    });
  });

  it("reports an event whose payload was edited", () => {
    const events = chainOf(5);
    events[3] = { ...events[3], payload: { step: 3, accounts: ["999999999999"] } };
    expect(verifyChain(events)).toMatchObject({ ok: false, index: 3, reason: expect.stringContaining("payload") });
  });

  it("reports the event after an edit whose author recomputed the hash", () => {
    const events = chainOf(5);
    const forged = { ...events[1], actor: "slack:U0ATTACKER@T0ATTACKER" };
    events[1] = { ...forged, hash: hashEvent(forged) };
    expect(verifyChain(events)).toMatchObject({ ok: false, index: 2, eventId: events[2].id });
  });

  it("reports the event after a deleted one, and a trail whose first event was deleted", () => {
    const events = chainOf(5);
    expect(verifyChain([...events.slice(0, 2), ...events.slice(3)])).toMatchObject({
      ok: false,
      index: 2,
      eventId: events[3].id,
      reason: expect.stringContaining("deleted"),
    });
    expect(verifyChain(events.slice(1))).toMatchObject({ ok: false, index: 0, eventId: events[1].id });
  });

  it("reports two events swapped", () => {
    const events = chainOf(4);
    expect(verifyChain([events[0], events[2], events[1], events[3]])).toMatchObject({ ok: false, index: 1 });
  });
});
