import { approvalCallbackOf, readForm } from "./forms";

describe("form callback ids", () => {
  it("reads the ticket form's case id and an approval's case, party and fingerprint", () => {
    expect(readForm("OFB-2026-0042")).toEqual({ id: "ticket", caseId: "OFB-2026-0042" });
    const approval = { caseId: "OFB-2026-0042", party: "aws" as const, fingerprint: "0123456789ab" };
    expect(readForm(approvalCallbackOf(approval))).toEqual({ id: "approval", ...approval });
  });

  it.each(["", "not-a-case", "OFB-2026-0042:landlord:0123456789ab", "OFB-2026-0042:aws", "OFB-2026-0042:aws:zz"])(
    "refuses a forged or outdated callback id %p",
    (callbackId) => expect(readForm(callbackId)).toBeUndefined(),
  );
});
