/**
 * The handoff's BullMQ queues, the names of their jobs and their deterministic job ids. A job id is
 * derived from the case (and account) so that asking twice adds one job: a second click on "run",
 * a Slack retry, or two web processes answering the same request.
 *
 * BullMQ refuses `:` in custom job ids; case ids (`OFB-2026-0042`) and account ids have none.
 */
import type { HandoffStep } from "../src/plan";

export const preflightQueueName = "offboard-preflight";
export const executeQueueName = "offboard-execute";
export const remindersQueueName = "offboard-reminders";

/** Job names on the execute queue. */
export const executeJob = {
  /** A scheduled run firing at the target date: starts the run's flow. */
  start: "start-run",
  /** The flow's parent: runs once every account job of the run has finished (done or failed). */
  finish: "finish-run",
  /** One account's handoff steps, a child of `finish`. */
  account: "account-handoff",
} as const;

export interface CaseJobData {
  caseId: string;
}

export interface AccountJobData {
  caseId: string;
  accountId: string;
  /** When the run started waiting for the customer (ms), for the give-up time. */
  waitingSince?: number;
  /** The step it waits at (`leave_org`, `root_handover`). */
  waitingFor?: HandoffStep;
}

export interface ReminderJobData {
  caseId: string;
  /** Days before the target date this reminder fires at (10, 7, 3). */
  daysBefore: number;
}

export const jobIds = {
  scheduledRun: (caseId: string) => `scheduled.${caseId}`,
  run: (caseId: string) => `run.${caseId}`,
  account: (caseId: string, accountId: string) => `account.${caseId}.${accountId}`,
  retryRun: (caseId: string, accountId: string, at: number) => `retry.${caseId}.${accountId}.${at}`,
  retryAccount: (caseId: string, accountId: string, at: number) => `account.${caseId}.${accountId}.retry.${at}`,
  reminder: (caseId: string, daysBefore: number) => `reminder.${caseId}.T-${daysBefore}`,
  preflightDeduplication: (caseId: string) => `preflight.${caseId}`,
  retryDeduplication: (caseId: string, accountId: string) => `retry.${caseId}.${accountId}`,
};

/** Reminders fire this many days before the target date. */
export const reminderDays = [10, 7, 3] as const;
