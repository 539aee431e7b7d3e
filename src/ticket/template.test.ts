import type { AnswerValue } from "../case";
import { withoutEscapes } from "../message";
import { renderTicketTemplate } from "./template";

const answers: Record<string, AnswerValue> = {
  customerName: "Acme Corp",
  customerApprovers: [
    { platform: "slack", userId: "U1", name: "Jane" },
    { platform: "slack", userId: "email:cfo@acme.example", email: "cfo@acme.example" },
  ],
  goal: "Our contract ends.\nWe run the accounts ourselves.",
  targetDate: "2027-01-15",
  partnerRepresentative: "Sam Rep",
  accountIds: ["111111111111", "222222222222"],
  accountsWithoutRootAccess: [],
  credentialRecipients: [{ platform: "slack", userId: "U1", name: "Jane" }],
  credentialDelivery: "link",
  removalBy: "customer",
  customerIamUsers: "ops-admin in 111111111111",
  keepLifecycleTooling: true,
  destination: "organization",
  newOrganization: "o-a1b2c3d4e5",
  bucketDisposition: "archive",
  accountsPayableInformed: false,
  specialConsiderations: null,
};

describe("renderTicketTemplate", () => {
  it("carries what people wrote as literal text: escaped markup, mentions only of resolved people", () => {
    const typed = "``` <!channel> <@UPARTNER> *bold* [x](https://evil.example)";
    const rendered = renderTicketTemplate({
      ...answers,
      customerName: typed,
      goal: typed,
      customerApprovers: [
        { platform: "slack", userId: "email:first_last@acme.example", email: "first_last@acme.example" },
      ],
    });
    expect(rendered).toContain(
      "Goal: \\`\\`\\` \\<!channel\\> \\<@UPARTNER\\> \\*bold\\* \\[x\\](https://evil.example)",
    );
    expect(rendered).toContain("Customer company: \\`\\`\\`");
    expect(rendered).toContain("Customer approvers: first\\_last@acme.example");
    expect(rendered).toContain("Root credential recipients: <@U1|Jane>");
    expect(withoutEscapes(rendered)).toContain(`Goal: ${typed}`);
  });

  it("lists the new root e-mail addresses when root access moves without a password", () => {
    const passwordless = {
      ...answers,
      credentialDelivery: "passwordless",
      rootEmails: ["111111111111=root-1@acme.example", "222222222222=root-2@acme.example"],
    };
    expect(renderTicketTemplate(passwordless)).toMatch(/New root e-mail addresses: .*root-1@acme\.example/);
    expect(renderTicketTemplate(answers)).not.toMatch(/New root e-mail addresses/);
  });

  it("lays the ticket out as the runbook's template, then the fields Offboard adds", () => {
    expect(renderTicketTemplate(answers)).toBe(
      [
        "This is a request to meet with my partner account representative and potentially a member of the partner's product team.",
        "",
        "Goal: Our contract ends.",
        "  We run the accounts ourselves.",
        "Target Date: 2027-01-15",
        "Partner account representative: Sam Rep",
        "Departing AWS AccountIDs: 111111111111, 222222222222",
        "AWS AccountIDs to which you currently do not have root access: None",
        "Secure method of delivering root credentials to you: One-time link in a direct message",
        "Who do you want to handle removing your member accounts from our AWS organization? (the partner or your company): Our company leaves the organization, as root or with one of our IAM users",
        "If your company, identify any AWS Users needing permissions: ops-admin in 111111111111",
        "Do you wish to continue using the partner's application-lifecycle tooling for ALM?: Yes",
        "Special Considerations: None",
        "",
        "Customer company: Acme Corp",
        "Customer approvers: <@U1|Jane>, cfo@acme.example",
        "Root credential recipients: <@U1|Jane>",
        "Destination: Another AWS organization, which invites the accounts: o-a1b2c3d4e5",
        "S3 buckets config-bucket-<account ID> and ctlaudit-<account ID>: Archive them: keep the data in archival storage",
        "Accounts payable informed: No",
      ].join("\n"),
    );
  });

  it("never names CenturyLink: the partner is neutral", () => {
    expect(renderTicketTemplate(answers)).not.toMatch(/CenturyLink|CAM/);
  });

  it("says the IAM users do not apply when the partner removes the accounts", () => {
    const text = renderTicketTemplate({ ...answers, removalBy: "partner", customerIamUsers: "stale" });
    expect(text).toContain(
      "If your company, identify any AWS Users needing permissions: Not applicable: the partner removes the accounts",
    );
    expect(text).not.toContain("stale");
  });

  it("shows a standalone destination without an organization", () => {
    expect(renderTicketTemplate({ ...answers, destination: "standalone" })).toContain(
      "Destination: Standalone: the accounts belong to no organization afterwards\n",
    );
  });

  it("marks what is not answered yet, for a ticket in progress", () => {
    const text = renderTicketTemplate({
      customerName: "Acme Corp",
      partnerRepresentative: [{ platform: "teams", userId: "29:abc", name: "Sam" }],
    });
    expect(text).toContain("Goal: (not answered yet)");
    expect(text).toContain("Partner account representative: <@29:abc|Sam>");
    expect(text).toContain("If your company, identify any AWS Users needing permissions: (not answered yet)");
    expect(text).toContain("Destination: (not answered yet)");
  });
});
