import type { AnswerValue } from "../case";
import { fieldByKey, ticketFields, type FieldContext, type TicketField, type TicketFieldKey } from "./fields";

const today = new Date("2026-11-26T12:00:00Z");
const ctx = (answers: Record<string, AnswerValue> = {}): FieldContext => ({ today, platform: "slack", answers });

function field(key: TicketFieldKey): TicketField {
  const found = ticketFields.find((f) => f.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
}

/** One valid answer per field, as a person would type it, and the value it must parse to. */
const samples: Record<TicketFieldKey, [string, AnswerValue]> = {
  customerName: ["Acme Corp", "Acme Corp"],
  customerApprovers: [
    "<@U1|Jane Doe>, cfo@acme.example",
    [
      { platform: "slack", userId: "U1", name: "Jane Doe" },
      { platform: "slack", userId: "email:cfo@acme.example", email: "cfo@acme.example" },
    ],
  ],
  goal: ["Our contract ends.\nWe run the accounts ourselves.", "Our contract ends.\nWe run the accounts ourselves."],
  targetDate: ["15 January 2027", "2027-01-15"],
  partnerRepresentative: ["<@U9>", [{ platform: "slack", userId: "U9" }]],
  accountIds: ["111111111111, 2222-2222-2222", ["111111111111", "222222222222"]],
  accountsWithoutRootAccess: ["222222222222", ["222222222222"]],
  credentialRecipients: ["<@U1|Jane Doe>", [{ platform: "slack", userId: "U1", name: "Jane Doe" }]],
  credentialDelivery: ["1", "link"],
  rootEmails: [
    "111111111111 root-prod@acme.example\n2222-2222-2222 = root-dev@acme.example",
    ["111111111111=root-prod@acme.example", "222222222222=root-dev@acme.example"],
  ],
  removalBy: ["our company", "customer"],
  customerIamUsers: ["ops-admin in 111111111111", "ops-admin in 111111111111"],
  keepLifecycleTooling: ["yes", true],
  keepPartnerAccess: [
    "CTL-CAM-Provider, arn:aws:iam::111111111111:saml-provider/CTL-SSO",
    ["CTL-CAM-Provider", "arn:aws:iam::111111111111:saml-provider/CTL-SSO"],
  ],
  destination: ["2", "organization"],
  newOrganization: ["o-a1b2c3d4e5", "o-a1b2c3d4e5"],
  joinDecision: ["leave now, join later", "leave_now_join_later"],
  bucketDisposition: ["archive", "archive"],
  accountsPayableInformed: ["yes", true],
  specialConsiderations: ["Call before 10:00 CET", "Call before 10:00 CET"],
};

describe("ticketFields", () => {
  it("asks the runbook's fields in the runbook's order, each once", () => {
    expect(ticketFields.map((f) => f.key)).toEqual(Object.keys(samples));
  });

  it.each(Object.entries(samples))(
    "reads a typed %s answer and writes it back as text that reads the same",
    (key, [typed, expected]) => {
      const f = field(key as TicketFieldKey);
      const answers = { accountIds: ["111111111111", "222222222222"] };
      const parsed = f.parse(typed, ctx(answers));
      expect(parsed).toMatchObject({ ok: true, value: expected });
      expect(f.parse(f.toInput(expected), ctx(answers))).toMatchObject({ ok: true, value: expected });
    },
  );

  it("shows answers the way people read them", () => {
    expect(field("keepLifecycleTooling").format(true)).toBe("Yes");
    expect(field("accountsPayableInformed").format(false)).toBe("No");
    expect(
      field("credentialRecipients").format([
        { platform: "slack", userId: "U1", name: "Jane" },
        { platform: "slack", userId: "U2" },
      ]),
    ).toBe("<@U1|Jane>, <@U2>");
    expect(
      field("customerApprovers").format([
        { platform: "slack", userId: "email:cfo@acme.example", email: "cfo@acme.example" },
      ]),
    ).toBe("cfo@acme.example");
    expect(field("accountIds").format(["111111111111", "222222222222"])).toBe("111111111111, 222222222222");
    expect(field("bucketDisposition").format("delete")).toBe("Delete them and everything in them");
    expect(field("credentialDelivery").format("passwordless")).toBe(
      "Passwordless: move the root e-mail to us, we reset the password (where the partner's organization allows it)",
    );
  });

  it("offers the two credential deliveries, partner/customer removal, standalone/organization and keep/archive/delete", () => {
    expect(field("credentialDelivery").options?.map((o) => o.value)).toEqual(["link", "passwordless"]);
    expect(field("removalBy").options?.map((o) => o.value)).toEqual(["partner", "customer"]);
    expect(field("destination").options?.map((o) => o.value)).toEqual(["standalone", "organization"]);
    expect(field("bucketDisposition").options?.map((o) => o.value)).toEqual(["keep", "archive", "delete"]);
    expect(field("bucketDisposition").question).toMatch(/config-bucket-<account ID> and ctlaudit-<account ID>/);
  });

  it("makes only the accounts without root access and the special considerations optional", () => {
    expect(ticketFields.filter((f) => f.optional).map((f) => f.key)).toEqual([
      "accountsWithoutRootAccess",
      "specialConsiderations",
    ]);
  });

  it("asks for IAM users only when the customer removes the accounts", () => {
    const f = field("customerIamUsers");
    expect(f.appliesWhen?.({ removalBy: "customer" })).toBe(true);
    expect(f.appliesWhen?.({ removalBy: "partner" })).toBe(false);
  });

  it("asks for the new organization only when the accounts join one", () => {
    const f = field("newOrganization");
    expect(f.appliesWhen?.({ destination: "organization" })).toBe(true);
    expect(f.appliesWhen?.({ destination: "standalone" })).toBe(false);
  });

  it("reads none as no account without root access", () => {
    expect(field("accountsWithoutRootAccess").parse("None.", ctx({ accountIds: ["111111111111"] }))).toEqual({
      ok: true,
      value: [],
    });
    expect(field("accountsWithoutRootAccess").toInput([])).toBe("none");
  });

  it("refuses an account without root access that is not departing and names it", () => {
    const result = field("accountsWithoutRootAccess").parse(
      "111111111111, 333333333333",
      ctx({ accountIds: ["111111111111", "222222222222"] }),
    );
    expect(result).toEqual({
      ok: false,
      reason:
        '333333333333 is not one of the departing accounts (111111111111, 222222222222): list only departing accounts, or answer "none"',
    });
  });

  it("refuses a malformed account without root access and reminds that none is an answer", () => {
    const result = field("accountsWithoutRootAccess").parse("12345", ctx({ accountIds: ["111111111111"] }));
    expect(result).toEqual({
      ok: false,
      reason:
        '"12345" is not an AWS account ID: account IDs have exactly 12 digits (or answer "none" if you have root access to all of them)',
    });
  });

  it("refuses customer approvers given by name only", () => {
    expect(field("customerApprovers").parse("Jane", ctx())).toEqual({
      ok: false,
      reason: "no one is mentioned: mention them with @, e.g. @Jane, or give their e-mail address",
    });
  });

  it("refuses credential recipients given by e-mail: the one-time link goes by direct message", () => {
    expect(field("credentialRecipients").parse("jane@acme.example", ctx())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^an e-mail address is not enough here/),
    });
  });

  it("takes the partner representative by mention or by name", () => {
    expect(field("partnerRepresentative").parse("Sam Rep", ctx())).toEqual({ ok: true, value: "Sam Rep" });
    expect(field("partnerRepresentative").parse("<@U9|Sam>", ctx())).toEqual({
      ok: true,
      value: [{ platform: "slack", userId: "U9", name: "Sam" }],
    });
    expect(field("partnerRepresentative").parse("  ", ctx())).toEqual({
      ok: false,
      reason: "nothing was written: please write an answer",
    });
  });

  it("refuses a customer name over 120 characters", () => {
    expect(field("customerName").parse("A".repeat(121), ctx())).toEqual({
      ok: false,
      reason: "that is too long: 121 characters where the limit is 120; please shorten it",
    });
  });

  it("refuses special considerations over 2000 characters", () => {
    expect(field("specialConsiderations").parse("x".repeat(2001), ctx())).toMatchObject({
      ok: false,
      reason: expect.stringContaining("the limit is 2000"),
    });
  });

  it("accepts accounts payable not informed, with a reminder of prorated invoices", () => {
    const result = field("accountsPayableInformed").parse("no", ctx());
    expect(result).toMatchObject({ ok: true, value: false, warning: expect.stringContaining("prorated invoices") });
  });

  it("refuses a target date in the past", () => {
    expect(field("targetDate").parse("2020-01-01", ctx())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^2020-01-01 is in the past/),
    });
  });
});

describe("the new root e-mails (passwordless delivery)", () => {
  const rootEmails = field("rootEmails");
  const two = ctx({ accountIds: ["111111111111", "222222222222"] });

  it("is asked right after the delivery, and only for the passwordless handover", () => {
    const keys = ticketFields.map((f) => f.key);
    expect(keys.indexOf("rootEmails")).toBe(keys.indexOf("credentialDelivery") + 1);
    expect(rootEmails.appliesWhen?.({ credentialDelivery: "passwordless" })).toBe(true);
    expect(rootEmails.appliesWhen?.({ credentialDelivery: "link" })).toBe(false);
    expect(rootEmails.dependsOn).toEqual(["accountIds"]);
    expect(fieldByKey("root emails")?.key).toBe("rootEmails");
  });

  it("stores one account=address pair per departing account, in the accounts' order, whatever order they were typed in", () => {
    expect(rootEmails.parse("root-dev@acme.example 222222222222\n111111111111: root-prod@acme.example", two)).toEqual({
      ok: true,
      value: ["111111111111=root-prod@acme.example", "222222222222=root-dev@acme.example"],
    });
    expect(rootEmails.format(["111111111111=root-prod@acme.example", "222222222222=root-dev@acme.example"])).toBe(
      "111111111111: root-prod@acme.example, 222222222222: root-dev@acme.example",
    );
  });

  it("gives each account a + sub-address of a single address, with a warning saying which", () => {
    const result = rootEmails.parse("aws@acme.example", two);
    expect(result).toMatchObject({
      ok: true,
      value: ["111111111111=aws+111111111111@acme.example", "222222222222=aws+222222222222@acme.example"],
    });
    expect(result.ok && result.warning).toContain("aws+111111111111@acme.example");
    expect(rootEmails.parse("aws@acme.example", ctx({ accountIds: ["111111111111"] }))).toEqual({
      ok: true,
      value: ["111111111111=aws@acme.example"],
    });
    expect(rootEmails.parse("aws+x@acme.example", two)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("already has a + part"),
    });
  });

  it.each([
    ["111111111111 a@acme.example", /no address for 222222222222/],
    ["111111111111 a@acme.example\n222222222222 a@ACME.example", /given for both 111111111111 and 222222222222/],
    [
      "111111111111 a@acme.example\n111111111111 b@acme.example\n222222222222 c@acme.example",
      /111111111111 is given twice/,
    ],
    [
      "111111111111 a@acme.example\n333333333333 b@acme.example",
      /333333333333 is not one of the departing accounts \(111111111111, 222222222222\)/,
    ],
    ["111111111111 not-an-address\n222222222222 b@acme.example", /is not an account ID and an e-mail address/],
    ["111111111111 a@acme\n222222222222 b@acme.example", /"a@acme" is not an e-mail address/],
    [`111111111111 ${"x".repeat(60)}@acme.example\n222222222222 b@acme.example`, /longer than 64 characters/],
    ["   ", /no address was given/],
  ])("refuses %p and says what is wrong", (typed, reason) => {
    expect(rootEmails.parse(typed, two)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("asks for the departing accounts first before it spreads one address over them", () => {
    expect(rootEmails.parse("a@acme.example", ctx())).toMatchObject({
      ok: false,
      reason: expect.stringContaining("departing account IDs first"),
    });
  });

  it("stays linear on a very long reply", () => {
    const started = Date.now();
    expect(rootEmails.parse(`111111111111 a@${"b.".repeat(20_000)} `, two).ok).toBe(false);
    expect(rootEmails.parse("1".repeat(40_000), two).ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe("fieldByKey", () => {
  it.each([
    ["accountIds", "accountIds"],
    ["accounts", "accountIds"],
    ["date", "targetDate"],
    ["Target Date", "targetDate"],
    ["target_date", "targetDate"],
    ["buckets", "bucketDisposition"],
    ["GOAL", "goal"],
    ["approvers", "customerApprovers"],
    ["recipients", "credentialRecipients"],
    ["delivery", "credentialDelivery"],
    ["removal", "removalBy"],
    ["iam users", "customerIamUsers"],
    ["ALM", "keepLifecycleTooling"],
    ["org", "newOrganization"],
    ["destination", "destination"],
    ["accounts payable", "accountsPayableInformed"],
    ["special considerations", "specialConsiderations"],
    ["customer", "customerName"],
    ["representative", "partnerRepresentative"],
    ["root access", "accountsWithoutRootAccess"],
  ])("finds %p as %s", (typed, key) => {
    expect(fieldByKey(typed)?.key).toBe(key);
  });

  it("finds nothing for a word that names no field", () => {
    expect(fieldByKey("pizza")).toBeUndefined();
    expect(fieldByKey("")).toBeUndefined();
  });
});
