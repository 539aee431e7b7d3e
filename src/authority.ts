import type { Case } from "./case";
import { isInAnyHome } from "./case-homes";
import { editableStatuses, type CaseStatus } from "./case-status";
import { sameIdentity, type ChatLocation, type Identity } from "./identity";
import type { Party } from "./party";

/**
 * The authority table: for every command, button and form, who may use it and in which case states. Every handler
 * asks this one table (through `ConversationContext.authorize`); nothing checks roles ad hoc. docs/authority.md is
 * the same table for people; test/security/authority.test.ts walks it act × role × state.
 */

/** What a person is to one case. Computed by `rolesOf`, never typed by anyone. */
export type Role =
  /** Named by the ticket as a customer approver (the starter, provisionally, until approvers are named). */
  | "customer_approver"
  /** Named by a partner member with `assign aws`. */
  | "aws_approver"
  /** Configured as the partner's (OFFBOARD_PARTNER_*_USERS, user groups). */
  | "partner_member"
  /** Named by the approved ticket as a root-credential recipient. */
  | "credential_recipient"
  /** Acting in the case's own channel or thread (the platform delivers those events from its members only). */
  | "case_channel_member"
  | "anyone";

export type Act =
  | "start"
  | "answer"
  | "edit"
  | "form"
  | "assign"
  | "show_signoff"
  | "approve_customer"
  | "approve_aws"
  | "approve_partner"
  | "run"
  | "retry"
  | "cancel"
  | "credentials"
  | "deposit"
  | "reveal"
  | "code"
  | "status"
  | "plan"
  | "plan_refresh"
  | "export"
  | "help"
  | "channel_create"
  | "link"
  | "join"
  | "unlink"
  | "home";

export interface Authority {
  /** Any one of these roles is enough. */
  who: readonly Role[];
  /** The case states it works in; `"no case"` for `start` and `help`, which need none. */
  states: readonly CaseStatus[] | "any" | "no case";
  /** How the refusals say who may. */
  whoText: string;
  /** How the refusals say the act: "run the handoff". */
  what: string;
}

const allStates: readonly CaseStatus[] = [
  "collecting",
  "planning",
  "awaiting_signoff",
  "approved",
  "scheduled",
  "executing",
  "completed",
  "failed",
  "cancelled",
];
/** After all three sign-offs: the only states in which credentials may move. */
const signedStates: readonly CaseStatus[] = ["approved", "scheduled", "executing", "completed", "failed"];
const beforeRun: readonly CaseStatus[] = editableStatuses;

/** While the case is open: a conversation may join it until it completes or is cancelled. */
const openStates: readonly CaseStatus[] = allStates.filter((s) => s !== "completed" && s !== "cancelled");

const ticketPeople: readonly Role[] = ["customer_approver", "partner_member"];

export const authorityTable: Readonly<Record<Act, Authority>> = {
  start: { what: "open a case", who: ["anyone"], states: "no case", whoText: "anyone in the channel" },
  help: { what: "see the commands", who: ["anyone"], states: "no case", whoText: "anyone" },
  answer: {
    what: "answer the ticket",
    who: ticketPeople,
    states: ["collecting"],
    whoText: "the customer's approvers or a partner member",
  },
  form: {
    what: "fill in the ticket form",
    who: ticketPeople,
    states: ["collecting"],
    whoText: "the customer's approvers or a partner member",
  },
  edit: {
    what: "edit the ticket",
    who: ticketPeople,
    states: beforeRun,
    whoText: "the customer's approvers or a partner member",
  },
  cancel: {
    what: "cancel the case",
    who: ticketPeople,
    states: beforeRun,
    whoText: "the customer's approvers or a partner member",
  },
  assign: {
    what: "name the AWS approver",
    who: ["partner_member"],
    states: ["collecting", "planning", "awaiting_signoff"],
    whoText: "a partner member",
  },
  show_signoff: {
    what: "show the sign-off message",
    who: ["case_channel_member"],
    states: ["awaiting_signoff"],
    whoText: "anyone in the case channel",
  },
  approve_customer: {
    what: "approve for the customer",
    who: ["customer_approver"],
    states: ["awaiting_signoff"],
    whoText: "a customer approver",
  },
  approve_aws: {
    what: "approve for AWS",
    who: ["aws_approver"],
    states: ["awaiting_signoff"],
    whoText: "the AWS approver",
  },
  approve_partner: {
    what: "approve for the partner",
    who: ["partner_member"],
    states: ["awaiting_signoff"],
    whoText: "a partner member",
  },
  run: {
    what: "run the handoff",
    who: ["partner_member"],
    states: ["approved", "scheduled"],
    whoText: "a partner member",
  },
  retry: {
    what: "retry an account",
    who: ["partner_member"],
    states: ["executing", "failed"],
    whoText: "a partner member",
  },
  credentials: {
    what: "ask for a root-credential deposit link",
    who: ["partner_member"],
    states: signedStates,
    whoText: "a partner member",
  },
  deposit: {
    what: "deposit root credentials",
    who: ["partner_member"],
    states: signedStates,
    whoText: "the partner member the deposit link was sent to",
  },
  reveal: {
    what: "open the root credentials",
    who: ["credential_recipient"],
    states: signedStates,
    whoText: "a root-credential recipient",
  },
  code: {
    what: "give the root e-mail code",
    who: ["customer_approver"],
    states: ["executing"],
    whoText: "a customer approver",
  },
  status: { what: "see the case", who: ["case_channel_member"], states: "any", whoText: "anyone in the case channel" },
  plan: { what: "see the plan", who: ["case_channel_member"], states: "any", whoText: "anyone in the case channel" },
  plan_refresh: {
    what: "read AWS again for a new plan",
    who: ["partner_member"],
    // Until the run starts: a blocked account may have become ready. The sign-offs are voided and asked again.
    states: ["awaiting_signoff", "approved", "scheduled"],
    whoText: "a partner member",
  },
  export: {
    what: "export the case",
    who: ["case_channel_member"],
    states: "any",
    whoText: "anyone in the case channel",
  },
  channel_create: {
    what: "create the case channel",
    who: ["partner_member"],
    states: ["collecting", "planning", "awaiting_signoff"],
    whoText: "a partner member",
  },
  link: {
    what: "give a code that joins another conversation to the case",
    who: ["partner_member"],
    states: openStates,
    whoText: "a partner member",
  },
  join: {
    // The one-time code is the proof: whoever holds it may join their conversation. Joining gives no roles.
    what: "join this conversation to a case",
    who: ["anyone"],
    states: openStates,
    whoText: "anyone with a link code",
  },
  unlink: {
    // Whoever links may unlink: a conversation joined by mistake stops receiving the case, in any state.
    what: "stop a conversation following the case",
    who: ["partner_member"],
    states: "any",
    whoText: "a partner member",
  },
  // Anyone may open their page; it lists only the cases in which they have a part.
  home: { what: "see your open cases", who: ["anyone"], states: "no case", whoText: "anyone" },
};

export const approveAct: Record<Party, Act> = {
  customer: "approve_customer",
  aws: "approve_aws",
  partner: "approve_partner",
};

export function statesOf(act: Act): readonly CaseStatus[] {
  const states = authorityTable[act].states;
  return states === "any" || states === "no case" ? allStates : states;
}

/** What is known about the person beyond the case itself. */
export interface RoleFacts {
  isPartner: boolean;
  /** The request came from the case's own channel or thread. */
  inCaseChannel: boolean;
  /**
   * Customer and AWS approvers from the partner's own workspace or tenant are refused unless the partner allows
   * it (OFFBOARD_ALLOW_SAME_ORG_APPROVERS, for customers that are guests in the partner's workspace).
   */
  allowSameOrgApprovers: boolean;
}

/** The organization of the case's home (Slack installing team, Teams tenant), which is the partner's. */
function partnerOrgOf(value: Case): string | undefined {
  return value.locations[value.locations.length - 1]?.teamId;
}

/**
 * Acting from the partner's own workspace, where the platform tells organizations apart: Slack gives each person's
 * own team (an external Slack Connect user keeps theirs), the demo too. Teams activities carry the conversation's
 * tenant, not the person's, so on Teams this cannot be told and is not assumed.
 */
export function isFromPartnerOrg(value: Case, who: Identity): boolean {
  const org = partnerOrgOf(value);
  return who.platform !== "teams" && Boolean(org && who.teamId && who.teamId === org);
}

/**
 * The starter (not a partner member) approves for the customer only until the customer approvers are named, and
 * afterwards only if named among them.
 */
export function isCustomerApprover(value: Case, who: Identity): boolean {
  // members.customer follows the ticket (the named approvers, or the provisional starter) and the e-mail bindings.
  return value.members.customer.some((m) => sameIdentity(m, who));
}

/** The root-credential recipients the ticket names. */
export function credentialRecipientsOf(value: Case): Identity[] {
  const named = value.ticket.answers.credentialRecipients;
  return Array.isArray(named)
    ? named.filter((v): v is Identity => typeof v === "object" && v !== null && typeof v.userId === "string")
    : [];
}

/** Every role `who` has in `value`. Three organizations, three different people: a partner member is only that. */
export function rolesOf(value: Case, who: Identity, facts: RoleFacts): Set<Role> {
  const roles = new Set<Role>(["anyone"]);
  if (facts.inCaseChannel) roles.add("case_channel_member");
  if (facts.isPartner) {
    roles.add("partner_member");
    return roles;
  }
  const sameOrg = isFromPartnerOrg(value, who) && !facts.allowSameOrgApprovers;
  const customer = isCustomerApprover(value, who);
  if (customer && !sameOrg) roles.add("customer_approver");
  // An AWS approver is never a customer approver.
  if (!customer && !sameOrg && value.members.aws.some((m) => sameIdentity(m, who))) roles.add("aws_approver");
  if (credentialRecipientsOf(value).some((m) => sameIdentity(m, who))) roles.add("credential_recipient");
  return roles;
}

export type AuthorityDecision =
  { ok: true } | { ok: false; because: "who"; reason: string } | { ok: false; because: "state"; reason: string };

/** The table's answer for one act by a person with `roles` on a case in `status`. */
export function decide(act: Act, roles: ReadonlySet<Role>, status: CaseStatus | undefined): AuthorityDecision {
  const entry = authorityTable[act];
  if (!entry.who.some((role) => roles.has(role)))
    return { ok: false, because: "who", reason: `only ${entry.whoText} can ${entry.what}` };
  if (status !== undefined && entry.states !== "any" && entry.states !== "no case" && !entry.states.includes(status))
    return {
      ok: false,
      because: "state",
      reason: `you cannot ${entry.what} while the case is ${status.replace(/_/g, " ")}`,
    };
  return { ok: true };
}

/** Whether `where` is the case's channel or thread (any of its homes). */
export function isCaseLocation(value: Case, where: ChatLocation): boolean {
  return isInAnyHome(value, where);
}

const roleText: Record<Role, string> = {
  customer_approver: "customer approver",
  aws_approver: "AWS approver",
  partner_member: "partner member",
  credential_recipient: "credential recipient",
  case_channel_member: "case channel member",
  anyone: "anyone",
};

/** Which commands, buttons and forms each act covers, for people reading the table. */
export const actSurface: Record<Act, string> = {
  start: "`start`",
  help: "`help`",
  answer: "a reply in the case thread, the answer buttons of a choice question, the date picker of a date question",
  form: "*Fill in a form instead* button, the ticket form",
  edit: "`edit <field>`",
  cancel: "`cancel`, *Cancel case* button",
  assign: "`assign aws @user`",
  show_signoff: "`approve`",
  approve_customer: "*Approve for Customer* button, then its approval form",
  approve_aws: "*Approve for AWS* button, then its approval form",
  approve_partner: "*Approve for Partner* button, then its approval form",
  run: "`run`, *Run now* button",
  retry: "`retry <account>`, *Retry* button",
  credentials: "`credentials <account>`",
  deposit: "the deposit page (`/d/<token>`)",
  reveal: "the retrieval page's Reveal (`/r/<token>`)",
  code: "`code <account> <code>`",
  status: "`status [case]`",
  plan: "`plan`, the plan's *Details* button",
  plan_refresh: "`plan refresh`",
  export: "`export`",
  channel_create: "*Create #channel* button",
  link: "`link`",
  join: "`join <code>`",
  unlink: "`unlink`",
  home: "Slack App Home (opening the app's Home tab)",
};

/** The table as Markdown: docs/authority.md is exactly this (a test keeps them equal). */
export function authorityMarkdown(): string {
  const rows = (Object.keys(authorityTable) as Act[]).map((act) => {
    const entry = authorityTable[act];
    const states =
      entry.states === "any" ? "any" : entry.states === "no case" ? "(no case needed)" : entry.states.join(", ");
    return `| ${act} | ${actSurface[act]} | ${entry.who.map((r) => roleText[r]).join(", ")} | ${states} |`;
  });
  return ["| act | command, button or form | who may | case states |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
