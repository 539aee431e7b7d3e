import type { EditBudget, ProgressEditBudget } from "../edit-budget";
import type { RootAccess } from "../aws/root-access";
import type { OrganizationLookup } from "../ticket/account-check";
import type { ChatLocation, EmailDirectory, Identity } from "../identity";
import type { JoinAttemptCounter, JoinLimit, JoinRefusalObserver } from "../join-limit";
import type { LinkCodeStore } from "../link-code";
import type {
  AuditLog,
  CaseStore,
  ChatPort,
  Clock,
  IdempotencyStore,
  JobQueue,
  PartnerDirectory,
  StepCountStore,
} from "../ports";

/** Starts a credential deposit for one account (implemented by src/credentials' CredentialService). */
export interface CredentialRequester {
  requestDeposit(caseId: string, accountId: string, by: Identity, where: ChatLocation): Promise<void>;
}

/** What the conversation and the workflow need from the world. */
export interface ConversationDeps {
  cases: CaseStore;
  audit: AuditLog;
  chat: ChatPort;
  idempotency: IdempotencyStore;
  partners: PartnerDirectory;
  clock: Clock;
  /**
   * The e-mail addresses of a person who acts in a case home (Teams); absent: people named by e-mail are bound only
   * when a platform brings their address itself (Slack's member_joined_channel).
   */
  emails?: EmailDirectory;
  /** Absent: no AWS work (sign-off covers the ticket alone). */
  queue?: JobQueue;
  /**
   * The partner's organization, asked about each departing account id as it is answered (and in the form); absent:
   * only the preflight checks them, after the last question.
   */
  organization?: OrganizationLookup;
  credentials?: CredentialRequester;
  /** The run's live item counts ("IAM 7/11"); absent: the progress shows each account's step without counts. */
  stepCounts?: StepCountStore;
  /** Progress edits shared across processes per workspace (src/edit-budget.ts); absent: each process paces alone. */
  editBudget?: EditBudget;
  /** The progress edits a workspace takes per window; default `defaultProgressEditBudget` (Slack: 40 a minute). */
  progressEditBudget?: ProgressEditBudget;
  /** Link codes (`link`, `join <code>`): one case with homes in several conversations and platforms. */
  linkCodes?: LinkCodeStore;
  /** Refused `join`s counted per person and conversation (src/join-limit.ts); absent: no limit. */
  joinAttempts?: JoinAttemptCounter;
  /** The limit on refused `join`s; default `defaultJoinLimit` (5 a person, 10 a conversation, per 15 minutes). */
  joinLimit?: JoinLimit;
  /** Told of every refused `join` (a log line and a metric for the operators). */
  joinRefusals?: JoinRefusalObserver;
  /** The passwordless root handover: takes the code AWS mailed to a new root e-mail (`code <account> <code>`). */
  rootAccess?: Pick<RootAccess, "acceptPrimaryEmailCode">;
  /** `OFFBOARD_ALLOW_SAME_ORG_APPROVERS`: customer and AWS approvers may act from the partner's own workspace. */
  allowSameOrgApprovers?: boolean;
  /** How the partner is named in messages (`OFFBOARD_PARTNER_NAME`); default "the partner". */
  partnerName?: string;
  /** Chat or queue failures after a change was recorded. */
  onError?: (error: unknown, what: string) => void;
}
