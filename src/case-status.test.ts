import { assertTransition, canTransition, caseTransitions, type CaseStatus } from "./case-status";
import { InvalidTransitionError } from "./errors";

describe("case state machine", () => {
  it("walks the handoff in order", () => {
    const path: CaseStatus[] = [
      "collecting",
      "planning",
      "awaiting_signoff",
      "approved",
      "scheduled",
      "executing",
      "completed",
    ];
    for (let i = 1; i < path.length; i++) expect(assertTransition(path[i - 1], path[i])).toBe(path[i]);
  });

  it("allows cancelling from every state before executing, and from none after", () => {
    for (const from of ["collecting", "planning", "awaiting_signoff", "approved", "scheduled"] as CaseStatus[])
      expect(canTransition(from, "cancelled")).toBe(true);
    for (const from of ["executing", "completed", "failed", "cancelled"] as CaseStatus[])
      expect(canTransition(from, "cancelled")).toBe(false);
  });

  it("refuses a disallowed transition with a typed error naming both states", () => {
    expect(() => assertTransition("collecting", "executing", "OFB-2026-0001")).toThrow(InvalidTransitionError);
    expect(() => assertTransition("collecting", "executing", "OFB-2026-0001")).toThrow(
      'case OFB-2026-0001 cannot go from "collecting" to "executing"',
    );
  });

  it("ends in completed and cancelled for good", () => {
    expect(caseTransitions.completed).toEqual([]);
    expect(caseTransitions.cancelled).toEqual([]);
  });

  it("lets a failed run be retried but never skip sign-off", () => {
    expect(canTransition("failed", "executing")).toBe(true);
    expect(canTransition("awaiting_signoff", "executing")).toBe(false);
    expect(canTransition("planning", "approved")).toBe(false);
  });
});
