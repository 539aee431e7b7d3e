import type { Case } from "./case";
import { AlreadySignedError, NotPermittedError, StaleApprovalError } from "./errors";
import type { Identity } from "./identity";
import { approvalHash, currentSignOffs, isFullyApproved, missingParties, recordSignOff, shortHash } from "./signoff";

const customer: Identity = { platform: "slack", userId: "UCUST1", teamId: "TCUST" };
const aws: Identity = { platform: "slack", userId: "UAWS1", teamId: "TAWS" };
const partner: Identity = { platform: "slack", userId: "UPART1", teamId: "TPART" };
const at = new Date("2026-11-26T12:00:00Z");

function aCase(): Case {
  return {
    id: "OFB-2026-0001",
    status: "awaiting_signoff",
    locations: [{ platform: "slack", channelId: "C1" }],
    ticket: { answers: { customerName: "Acme", accountIds: ["222222222222"] }, history: [], warnings: {} },
    accounts: ["222222222222"],
    members: { customer: [customer], aws: [aws] },
    signOffs: [],
    createdBy: customer,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    version: 3,
  };
}

const sign = (
  value: Case,
  party: "customer" | "aws" | "partner",
  by: Identity,
  isPartner = false,
  hash = shortHash(approvalHash(value)),
) => recordSignOff(value, { party, by, presentedHash: hash, isPartner, at });

describe("sign-off policy", () => {
  it("approves when all three parties sign the current ticket", () => {
    let value = aCase();
    value = sign(value, "customer", customer);
    value = sign(value, "aws", aws);
    expect(isFullyApproved(value)).toBe(false);
    expect(missingParties(value)).toEqual(["partner"]);
    value = sign(value, "partner", partner, true);
    expect(isFullyApproved(value)).toBe(true);
    expect(value.signOffs.map((s) => s.hash)).toEqual(Array(3).fill(approvalHash(value)));
  });

  it("refuses an approval from a customer user on the partner button", () => {
    expect(() => sign(aCase(), "partner", customer, false)).toThrow(NotPermittedError);
    expect(() => sign(aCase(), "partner", customer, false)).toThrow(/only a Partner approver can approve for Partner/);
  });

  it("refuses an AWS approval from someone who was not assigned for AWS", () => {
    expect(() => sign(aCase(), "aws", customer)).toThrow(NotPermittedError);
  });

  it("lets one person approve for one party only", () => {
    const both: Case = { ...aCase(), members: { customer: [customer], aws: [customer] } };
    const once = sign(both, "customer", customer);
    expect(() => sign(once, "aws", customer)).toThrow(AlreadySignedError);
    expect(() => sign(once, "aws", customer)).toThrow(/one person approves for one party only/);
  });

  it("records a party's sign-off once: a second press is refused", () => {
    const once = sign(aCase(), "customer", customer);
    expect(() => sign(once, "customer", customer)).toThrow(/Customer already approved/);
  });

  it("refuses a button made for an older version of the ticket", () => {
    const value = aCase();
    const oldHash = shortHash(approvalHash(value));
    const edited: Case = {
      ...value,
      ticket: { ...value.ticket, answers: { ...value.ticket.answers, customerName: "Acme Corp" } },
    };
    expect(() => sign(edited, "customer", customer, false, oldHash)).toThrow(StaleApprovalError);
  });

  it("voids sign-offs when the ticket or plan changes", () => {
    const signed = sign(sign(aCase(), "customer", customer), "aws", aws);
    expect(currentSignOffs(signed)).toHaveLength(2);
    const edited: Case = {
      ...signed,
      ticket: { ...signed.ticket, answers: { ...signed.ticket.answers, goal: "leave" } },
    };
    expect(currentSignOffs(edited)).toHaveLength(0);
    const replanned: Case = {
      ...signed,
      plan: {
        version: 1,
        createdAt: at.toISOString(),
        organizationId: "o-x",
        managementAccountId: "111111111111",
        removalBy: "partner",
        warnings: [],
        accountCount: 0,
        blocked: [],
        artifactsToDelete: 0,
        fingerprint: "a".repeat(64),
      },
    };
    expect(currentSignOffs(replanned)).toHaveLength(0);
    expect(isFullyApproved(replanned)).toBe(false);
    // An account's plan is not in the document: a change to it changes the fingerprint, and voids the sign-offs.
    const signedPlan = sign(sign(replanned, "customer", customer), "aws", aws);
    expect(currentSignOffs(signedPlan)).toHaveLength(2);
    const accountChanged: Case = { ...signedPlan, plan: { ...signedPlan.plan!, fingerprint: "b".repeat(64) } };
    expect(currentSignOffs(accountChanged)).toHaveLength(0);
  });

  it("binds the hash to the canonical content, not to key order", () => {
    const a = aCase();
    const b: Case = { ...a, ticket: { ...a.ticket, answers: { accountIds: ["222222222222"], customerName: "Acme" } } };
    expect(approvalHash(a)).toBe(approvalHash(b));
  });
});
