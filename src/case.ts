import type { CaseStatus } from "./case-status";
import type { ChatLocation, Identity, MessageRef } from "./identity";
import type { Party } from "./party";
import type { AccountPlan, ExitCheck, PlanHeader, ReadinessBlocker } from "./plan";

/** One answer in the ticket, already parsed and validated. */
export type AnswerValue = string | string[] | boolean | Identity[] | null;

export interface TicketState {
  /** Parsed answers by field key. `null` = skipped (optional fields only). */
  answers: Record<string, AnswerValue>;
  /** The field asked now; undefined when the ticket is complete. */
  cursor?: string;
  /** Fields asked so far, in order, for `back`. */
  history: string[];
  /** Warnings attached to accepted answers (e.g. a target date less than 14 days out). */
  warnings: Record<string, string>;
  /** When the ticket was last completed. */
  completedAt?: string;
  /** The request whose answer changed the ticket last: its retry is recognised, not applied again. */
  lastRequestId?: string;
}

export interface SignOff {
  party: Party;
  by: Identity;
  at: string;
  /** SHA-256 of the canonical ticket + plan approved. */
  hash: string;
}

export type StepState = "pending" | "running" | "done" | "failed" | "skipped";

export interface AccountProgress {
  accountId: string;
  /** Step name (e.g. `revoke_iam`, `buckets`, `leave_org`, `accept_invitation`, `lock_role`) → state. */
  steps: Record<string, StepState>;
  /** Plain-language reason of the last failure. */
  error?: string;
  /**
   * Milestones reached inside a step (e.g. `root_credentials_deleted`) → when, so that a step resumed
   * after a crash or a retry does not repeat a change it already made.
   */
  milestones?: Record<string, string>;
  /**
   * Left out of the run because it was not ready when it was due (the blockers then); cleared when it runs. A
   * blocked account runs later with `retry <account>` or after `plan refresh`.
   */
  leftOut?: { blockers: ReadinessBlocker[]; at: string };
  /** Proof of exit, read after the account's last step (first the reading taken before the role was locked). */
  exitCheck?: ExitCheck;
  /** The partner confirmed the root e-mail is the customer's (credential-link path without trusted access). */
  rootEmailConfirmed?: { by: string; at: string };
  updatedAt: string;
}

/** The run as a whole. Each account's progress is stored apart, per account (AccountState.progress). */
export interface Execution {
  startedAt?: string;
  scheduledFor?: string;
  finishedAt?: string;
}

/** A credential link issued for one account (no secret, no token: only what can be shown). */
export interface CredentialRecord {
  accountId: string;
  state: "deposit_sent" | "deposited" | "link_sent" | "retrieved" | "expired";
  recipients: string[];
  expiresAt?: string;
  updatedAt: string;
}

/** The messages a case keeps up to date in place, one of each per home. */
export type KeptMessage = "caseMessage" | "signOffMessage" | "progressMessage";

/** A conversation joined to a case with a link code: its thread, and the case's kept messages there. */
export interface LinkedHome {
  /** The channel or chat, with `threadId` the case card posted there when it joined. */
  location: ChatLocation;
  caseMessage?: MessageRef;
  signOffMessage?: MessageRef;
  progressMessage?: MessageRef;
  /** Who said `join <code>` there, and when (ISO). Joining gives no roles. */
  joinedBy: Identity;
  joinedAt: string;
}

/**
 * One account's state, stored apart from the case document and read and written per account
 * (CaseStore.accounts, CaseStore.updateAccounts): a case of 2,000 accounts reads as fast as one of 2.
 */
export interface AccountState {
  /** The account's part of the plan; the case document holds the plan's header (Case.plan). */
  plan?: AccountPlan;
  /** The run's progress of the account, once it has started (or was left out). */
  progress?: AccountProgress;
}

/** The parts of an AccountState, each stored in its own field. */
export type AccountPart = keyof AccountState;
export const accountParts: readonly AccountPart[] = ["plan", "progress"];

/**
 * A change to accounts' state: per account, the parts to write; a part present with `undefined` is removed, a part
 * absent is left as stored.
 */
export type AccountChanges = Record<string, Partial<AccountState>>;

/**
 * A handoff case: the document every command reads (ticket, parties, sign-offs, the plan's header, the run's
 * times). Updated atomically with `version` (optimistic concurrency) through CaseStore.update; what belongs to one
 * account (its plan, its progress) is stored beside it per account (AccountState).
 */
export interface Case {
  /** `OFB-<year>-<4 digits>`, allocated atomically. */
  id: string;
  status: CaseStatus;
  customerName?: string;
  /** The first is where the case lives; more when a dedicated case channel was created. */
  locations: ChatLocation[];
  /** The case message (status, parties, next step) updated in place. */
  caseMessage?: MessageRef;
  signOffMessage?: MessageRef;
  progressMessage?: MessageRef;
  /**
   * More homes of the case: conversations on any platform joined with a link code (`link`, then `join <code>`;
   * src/conversation/link-handler.ts). The first home is `locations[0]` with the three refs above; each of these
   * keeps its own refs, rendered in its platform's form. See src/case-homes.ts.
   */
  homes?: LinkedHome[];
  ticket: TicketState;
  /** Departing accounts (from the ticket), 12 digits each. */
  accounts: string[];
  /**
   * Customer approvers (from the ticket, plus the starter unless partner) and AWS approvers (assigned by the partner).
   */
  members: { customer: Identity[]; aws: Identity[] };
  /** The plan's header: version, organization, counts, and the fingerprint of the full plan sign-offs bind to. */
  plan?: PlanHeader;
  signOffs: SignOff[];
  execution?: Execution;
  credentials?: Record<string, CredentialRecord>;
  createdBy: Identity;
  createdAt: string;
  updatedAt: string;
  /** Increases by one on every stored change. */
  version: number;
}

const caseIdPattern = /^OFB-(\d{4})-(\d{4,})$/;

export function formatCaseId(year: number, sequence: number): string {
  return `OFB-${year}-${String(sequence).padStart(4, "0")}`;
}

export function isCaseId(value: string): boolean {
  return caseIdPattern.test(value);
}

/** The case number without prefix and year, e.g. `0042` for channel names. */
export function caseNumber(id: string): string {
  return caseIdPattern.exec(id)?.[2] ?? id;
}
