/**
 * A complete, valid ticket as a person would type it, question by question, in the order asked.
 * Mentions are given per platform by the caller (Slack `<@U…>`; Teams tests pass `<at>` text).
 */
export interface TicketAnswerPeople {
  approver: string;
  partnerRep: string;
  recipient: string;
}

export function isoDaysFromNow(days: number, from = new Date()): string {
  return new Date(from.getTime() + days * 86400000).toISOString().slice(0, 10);
}

export function validTicketAnswers(
  people: TicketAnswerPeople,
  accounts = "222222222222, 3333-4444-5555",
): { field: string; text: string }[] {
  return [
    { field: "customerName", text: "Acme Corp" },
    { field: "customerApprovers", text: people.approver },
    { field: "goal", text: "Run our own AWS organization" },
    { field: "targetDate", text: isoDaysFromNow(30) },
    { field: "partnerRepresentative", text: people.partnerRep },
    { field: "accountIds", text: accounts },
    { field: "accountsWithoutRootAccess", text: "none" },
    { field: "credentialRecipients", text: people.recipient },
    { field: "credentialDelivery", text: "1" },
    { field: "removalBy", text: "partner" },
    { field: "keepLifecycleTooling", text: "no" },
    { field: "destination", text: "standalone" },
    { field: "bucketDisposition", text: "archive" },
    { field: "accountsPayableInformed", text: "yes" },
    { field: "specialConsiderations", text: "skip" },
  ];
}
