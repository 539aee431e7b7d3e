/**
 * Readiness: whether an account may run, decided from what AWS shows, by the preflight and again right before
 * the account runs and right before it leaves. Each blocker says what is wrong and how to fix it. Pure: the
 * same facts give the same verdict, so the plan the parties sign shows exactly what the run will decide.
 *
 * What AWS lets us check is checked here: membership, the waiting period of a newly created account, delegated
 * administration, the new organization's invitation, the partner's way in. What it does not (a payment method,
 * phone verification, the customer agreement) stays a warning the customer confirms, and AWS's own refusal at
 * `RemoveAccountFromOrganization` names it if it is missing.
 */
import type { AccountReadiness, ReadinessBlocker } from "../plan";
import type { MemberAccount, PendingInvitation } from "./aws-operations";
import type { HandoffAnswers } from "./handoff-answers";

/**
 * AWS Organizations API Reference, ConstraintViolationException (WAIT_PERIOD_ACTIVE): "After you create an AWS
 * account, you must wait until at least four days after the account was created. Invited accounts aren't subject
 * to this waiting period." `ListAccounts`/`DescribeAccount` give JoinedMethod (CREATED or INVITED) and
 * JoinedTimestamp.
 */
export const waitingPeriodDays = 4;
const day = 86_400_000;

export interface ReadinessFacts {
  accountId: string;
  /** The partner's organization. */
  organizationId: string;
  /** The account as the partner's organization lists it; absent = not a member. */
  member?: MemberAccount;
  /** Services for which the account is a delegated administrator of the partner's organization. */
  delegatedServices: string[];
  /** Invitations (handshakes) waiting in the account. */
  invitations: PendingInvitation[];
  /** The partner's cross-account role exists: without it the partner can neither clean up nor lock. */
  crossAccountRoleFound: boolean;
  /** A root-access prerequisite that is missing, in plain words with its fix (e.g. credentials not deposited). */
  rootAccessMissing?: { reason: string; fix: string };
  answers: HandoffAnswers;
  now: Date;
}

/** When a created account's waiting period ends, or undefined when it has none (invited, or long past). */
export function waitingPeriodEnd(member: MemberAccount | undefined, now: Date): Date | undefined {
  if (!member || member.joinedMethod !== "CREATED" || !member.joinedTimestamp) return undefined;
  const end = new Date(Date.parse(member.joinedTimestamp) + waitingPeriodDays * day);
  return end.getTime() > now.getTime() ? end : undefined;
}

/** The open, unexpired invitation from the ticket's named organization, if one waits in the account. */
export function namedInvitation(
  invitations: PendingInvitation[],
  organizationId: string | undefined,
  now: Date,
): PendingInvitation | undefined {
  if (!organizationId) return undefined;
  return invitations.find(
    (i) =>
      i.organizationId === organizationId &&
      (i.state === "OPEN" || i.state === "REQUESTED") &&
      (!i.expiresAt || Date.parse(i.expiresAt) > now.getTime()),
  );
}

/** Whether the ticket chose to leave standalone now and join the new organization later. */
export function leavesBeforeJoining(answers: HandoffAnswers): boolean {
  return answers.destination === "organization" && answers.joinDecision === "leave_now_join_later";
}

export function assessReadiness(facts: ReadinessFacts): AccountReadiness {
  const { accountId, answers, now } = facts;
  const blockers: ReadinessBlocker[] = [];
  if (!facts.member || facts.member.status !== "ACTIVE") {
    blockers.push({
      code: "not_member",
      reason: facts.member
        ? `account ${accountId} is ${facts.member.status} in ${facts.organizationId}, not ACTIVE`
        : `account ${accountId} is not a member of the partner's organization ${facts.organizationId}`,
      fix: "check the account ID (`edit accounts`) and run `plan refresh`",
    });
  }
  const waitEnds = waitingPeriodEnd(facts.member, now);
  if (waitEnds) {
    blockers.push({
      code: "waiting_period",
      reason: `account ${accountId} was created in the partner's organization on ${facts.member!.joinedTimestamp!.slice(0, 10)}, and AWS lets an account created in an organization leave only ${waitingPeriodDays} days after its creation`,
      fix: `wait until ${waitEnds.toISOString().replace(/:\d\d\.\d+Z$/, "Z")}, then \`retry ${accountId}\` (or \`plan refresh\`)`,
    });
  }
  if (facts.delegatedServices.length > 0) {
    const services = facts.delegatedServices.join(", ");
    blockers.push({
      code: "delegated_administrator",
      reason: `account ${accountId} is a delegated administrator of the partner's organization for ${services}, and AWS does not let a delegated administrator leave`,
      fix: `the partner deregisters it (for each service: \`aws organizations deregister-delegated-administrator --account-id ${accountId} --service-principal <service>\`, or that service's console), then \`retry ${accountId}\` (or \`plan refresh\`)`,
    });
  }
  if (answers.destination === "organization" && !leavesBeforeJoining(answers)) {
    const target = answers.newOrganization;
    if (!namedInvitation(facts.invitations, target, now)) {
      blockers.push({
        code: "no_invitation",
        reason: `account ${accountId} has no open, unexpired invitation from ${target ?? "the new organization (the ticket names none)"}, so it would leave the partner's organization and stay standalone`,
        fix: `${target ?? "the new organization"} invites it (AWS Organizations console → Add an AWS account → Invite; an invitation lasts 15 days), then \`retry ${accountId}\` (or \`plan refresh\`); or the customer decides to leave now and join later (\`edit joinDecision\`, signed again)`,
      });
    }
  }
  if (!facts.crossAccountRoleFound) {
    blockers.push({
      code: "partner_access",
      reason: `the partner's cross-account role was not found in account ${accountId}, so its access can be neither removed nor locked by the run`,
      fix: "the partner restores its cross-account role (or names the one it uses in OFFBOARD_MEMBER_ROLE_NAME) and runs `plan refresh`",
    });
  }
  if (facts.rootAccessMissing) blockers.push({ code: "root_access", ...facts.rootAccessMissing });
  return { state: blockers.length ? "blocked" : "ready", blockers, checkedAt: now.toISOString() };
}
