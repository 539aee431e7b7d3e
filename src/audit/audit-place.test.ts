import type { AuditInput, AuditLog } from "../ports";
import { actingAt, auditWithPlaces, placeOf } from "./audit-place";

/** An audit log that only keeps what it was given. */
function keeping(): AuditLog & { appended: AuditInput[] } {
  const appended: AuditInput[] = [];
  return {
    appended,
    append: async (input) => {
      appended.push(input);
      return { ...input, id: "1-0", actor: "x", at: "", payloadDigest: "", prevHash: "", keyId: "", hash: "" } as never;
    },
    read: async () => [],
    readVerified: async () => ({ events: [], verification: { ok: true, count: 0 } }),
    readGlobal: async () => [],
  };
}

const person = { platform: "teams" as const, userId: "aad-cora", teamId: "tenant-customer" };

describe("the place of each person's action in the audit trail", () => {
  it("is added to a person's events appended while their request is handled, and to no other", async () => {
    const log = keeping();
    const audit = auditWithPlaces(log);
    const place = placeOf({ platform: "teams", channelId: "19:acme@thread.tacv2", threadId: "17" });
    await actingAt(place, async () => {
      await audit.append({ caseId: "OFB-2026-0001", actor: person, action: "ticket.answered" });
      await audit.append({ caseId: "OFB-2026-0001", actor: "system", action: "case.approved" });
      const own = { platform: "slack" as const, conversation: "D1" };
      await audit.append({ caseId: "OFB-2026-0001", actor: person, action: "x", where: own });
    });
    await audit.append({ caseId: "OFB-2026-0001", actor: person, action: "after" });
    expect(log.appended.map((e) => e.where)).toEqual([
      { platform: "teams", conversation: "19:acme@thread.tacv2", thread: "17" },
      undefined,
      { platform: "slack", conversation: "D1" },
      undefined,
    ]);
  });

  it("is the platform alone for a submitted form, which has no conversation", () => {
    expect(placeOf({ platform: "slack" })).toEqual({ platform: "slack" });
    expect(placeOf({ platform: "slack", channelId: "C1" })).toEqual({ platform: "slack", conversation: "C1" });
  });
});
