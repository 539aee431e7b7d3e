import { buttonOf, readButton, type ButtonAction } from "./buttons";

describe("button ids and values", () => {
  const every: ButtonAction[] = [
    { id: "signoff.approve", caseId: "OFB-2026-0042", party: "aws", fingerprint: "0123456789ab" },
    { id: "ticket.form", caseId: "OFB-2026-0042" },
    { id: "run.start", caseId: "OFB-2026-0042" },
    { id: "case.cancel", caseId: "OFB-2026-0042" },
    { id: "channel.create", caseId: "OFB-2026-0042" },
    { id: "account.retry", caseId: "OFB-2026-0042", accountId: "111122223333" },
    { id: "ticket.choice", caseId: "OFB-2026-0042", field: "removalBy", choice: "partner" },
    { id: "ticket.date", caseId: "OFB-2026-0042", field: "targetDate" },
    { id: "plan.details", caseId: "OFB-2026-0042" },
  ];

  it.each(every)("reads back what it encodes: $id", (action) => {
    const pressed = buttonOf(action, "Press");
    expect(readButton(pressed.actionId, pressed.value)).toEqual(action);
  });

  it.each([
    ["signoff.approve", "OFB-2026-0042:landlord:0123456789ab"],
    ["signoff.approve", "OFB-2026-0042:aws"],
    ["signoff.approve", "OFB-2026-0042:aws:not-hex!"],
    ["account.retry", "OFB-2026-0042:12345"],
    ["run.start", "not-a-case"],
    ["run.start", "OFB-2026-0042:extra"],
    ["case.delete", "OFB-2026-0042"],
    ["ticket.date", "OFB-2026-0042:targetDate:2026-12-31"],
    ["ticket.date", "OFB-2026-0042:target date"],
    ["plan.details", "OFB-2026-0042:v2"],
  ])("refuses a forged or outdated press %s %s", (actionId, value) => {
    expect(readButton(actionId, value)).toBeUndefined();
  });
});
