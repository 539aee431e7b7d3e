import type { Role } from "../authority";
import type { Case } from "../case";
import { approvalHash } from "../signoff";
import { awaitedFrom, hasPart, homeMessage, homeCases } from "./home-view";

/** A case in `status` with a question open (when collecting) and no sign-off yet. */
function caseIn(status: Case["status"], extra: Partial<Case> = {}): Case {
  return {
    id: "OFB-2026-0042",
    status,
    customerName: "Acme <Corp>",
    locations: [{ platform: "slack", channelId: "C1" }],
    caseMessage: { platform: "slack", channelId: "C1", messageId: "1.1" },
    ticket: { answers: {}, history: [], warnings: {}, cursor: status === "collecting" ? "goal" : undefined },
    accounts: ["111122223333"],
    members: { customer: [], aws: [] },
    signOffs: [],
    createdBy: { platform: "slack", userId: "U1" },
    createdAt: "2026-12-01T09:00:00Z",
    updatedAt: "2026-12-01T09:00:00Z",
    version: 1,
    ...extra,
  } as Case;
}

const roles = (...list: Role[]) => new Set<Role>(["anyone", ...list]);

describe("what a case waits on a person for", () => {
  it("is the open question for those who may answer it", () => {
    expect(awaitedFrom(caseIn("collecting"), roles("customer_approver"))).toEqual([
      expect.stringMatching(/^an answer to question \d+ of \d+: \*Goal/),
    ]);
    expect(awaitedFrom(caseIn("collecting"), roles("aws_approver"))).toEqual([]);
  });

  it("is their own party's sign-off, not another's, and none once given", () => {
    expect(awaitedFrom(caseIn("awaiting_signoff"), roles("customer_approver"))).toEqual([
      "your sign-off for *Customer*",
    ]);
    expect(awaitedFrom(caseIn("awaiting_signoff"), roles("partner_member"))).toEqual(["your sign-off for *Partner*"]);
    const open = caseIn("awaiting_signoff");
    // A sign-off counts while it binds to the current ticket and plan.
    const signed = {
      ...open,
      signOffs: [
        {
          party: "partner" as const,
          by: { platform: "slack" as const, userId: "U9" },
          at: open.createdAt,
          hash: approvalHash(open),
        },
      ],
    };
    expect(awaitedFrom(signed, roles("partner_member"))).toEqual([]);
  });

  it("is the run for a partner member once approved, a deposit link's deposit, a recipient's retrieval", () => {
    expect(awaitedFrom(caseIn("approved"), roles("partner_member"))).toEqual(["the run (*Run now*)"]);
    expect(awaitedFrom(caseIn("approved"), roles("customer_approver"))).toEqual([]);
    const credentials = {
      "111122223333": {
        accountId: "111122223333",
        state: "deposit_sent" as const,
        recipients: [],
        updatedAt: "2026-12-01T09:00:00Z",
      },
    };
    expect(awaitedFrom(caseIn("executing", { credentials }), roles("partner_member"))).toEqual([
      expect.stringMatching(/root-credential deposit for \*111122223333\*/),
    ]);
    const sent = { "111122223333": { ...credentials["111122223333"], state: "link_sent" as const } };
    expect(awaitedFrom(caseIn("completed", { credentials: sent }), roles("credential_recipient"))).toEqual([
      expect.stringMatching(/opening the root credentials of \*111122223333\*/),
    ]);
  });

  it("needs a part in the case: being in its channel is not one", () => {
    expect(hasPart(roles("case_channel_member"))).toBe(false);
    expect(hasPart(roles("credential_recipient"))).toBe(true);
  });
});

describe("the home page", () => {
  it("puts the cases that wait on the person first, links each thread, and escapes the customer's name", () => {
    const waiting = { value: caseIn("awaiting_signoff", { id: "OFB-2026-0002" }), roles: roles("customer_approver") };
    const idle = { value: caseIn("planning", { id: "OFB-2026-0001" }), roles: roles("customer_approver") };
    const page = homeMessage([idle, waiting], new Date("2026-12-01T10:00:00Z"));
    const texts = page.blocks.map((b) => JSON.stringify(b)).join("\n");
    expect(texts.indexOf("OFB-2026-0002")).toBeLessThan(texts.indexOf("OFB-2026-0001"));
    expect(page.blocks.filter((b) => b.type === "messageLink")).toHaveLength(2);
    expect(texts).toContain("Acme \\\\<Corp\\\\>");
    expect(page.text).toBe("Your Offboard cases: 1 wait on you");
  });

  it(`lists at most ${homeCases} cases and counts the rest`, () => {
    const many = Array.from({ length: homeCases + 5 }, (_, i) => ({
      value: caseIn("planning", { id: `OFB-2026-${String(i + 1).padStart(4, "0")}` }),
      roles: roles("partner_member"),
    }));
    const page = homeMessage(many, new Date());
    expect(page.blocks.filter((b) => b.type === "messageLink")).toHaveLength(homeCases);
    expect(JSON.stringify(page.blocks)).toContain("…and 5 more open case(s)");
  });
});
