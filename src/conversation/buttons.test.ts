import { buttonOf, readButton, type ButtonAction } from "./buttons";

describe("button ids and values", () => {
  const every: ButtonAction[] = [
    { id: "signoff.approve", caseId: "OFB-2026-0042", party: "aws", fingerprint: "0123456789ab" },
    { id: "ticket.form", caseId: "OFB-2026-0042" },
    { id: "run.start", caseId: "OFB-2026-0042" },
    { id: "case.cancel", caseId: "OFB-2026-0042" },
    { id: "channel.create", caseId: "OFB-2026-0042" },
    { id: "account.retry", caseId: "OFB-2026-0042", accountId: "111122223333" },
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
  ])("refuses a forged or outdated press %s %s", (actionId, value) => {
    expect(readButton(actionId, value)).toBeUndefined();
  });
});
