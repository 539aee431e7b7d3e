import { authorityMarkdown } from "../../src/authority";

/** docs/authority.md: the authority table with what the roles mean. */
export function authorityDocument(): string {
  return `# Who may do what

Offboard's authority table, written once in the core (\`src/authority.ts\`) and rendered here by
\`npx tsx scripts/authority-doc.ts\` (a test fails when the two differ). Every command, button and form asks this one
table; a refusal is private, says who may do it instead, and is audited as \`<act>.denied\` (\`signoff.denied\` for
the approval buttons, with the party).

${authorityMarkdown()}

## Roles

- **customer approver**: named by the ticket's *Customer approvers*. The person who typed \`start\` (when not a
  partner member) is one only until the approvers are named, and afterwards only if named.
- **AWS approver**: named by a partner member with \`assign aws @user\`; never a customer approver.
- **partner member**: configured (\`OFFBOARD_PARTNER_SLACK_USERS\`, \`OFFBOARD_PARTNER_TEAMS_USERS\`, user groups).
  A partner member is only that: never a customer approver, an AWS approver or a credential recipient.
- **credential recipient**: named by the ticket's *Root credential recipients*; gets the one-time retrieval link by
  direct message, and only for a ticket and plan the three parties signed.
- **case channel member**: acting in the case's own channel or thread. A case named by id from anywhere else gets
  the same answer as an unknown id.

Three organizations, three different people: one person approves for one party at most. On Slack (and in the
demo), where the platform gives each person's own workspace, a customer or AWS approver acting from the partner's
own workspace is refused unless \`OFFBOARD_ALLOW_SAME_ORG_APPROVERS=1\` (for customers who are guests in the
partner's workspace). Teams gives the conversation's tenant, not the person's, so this check does not apply there.

Root credentials move only after all three sign-offs for the current ticket and plan: \`credentials\` is refused
before; a deposit link records the fingerprint and the recipients it was issued for, and completing the deposit
re-checks that the case is still approved with that fingerprint and not cancelled. An edit after approval voids the
sign-offs and with them every open deposit link.
`;
}
