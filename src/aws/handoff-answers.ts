/**
 * The ticket answers the preflight and the run act on, read from `case.ticket.answers` (already parsed
 * and validated by the ticket flow) into one typed record. A missing or malformed answer is reported
 * by name, so a case that somehow reached the preflight incomplete says which question to answer.
 */
import type { AnswerValue } from "../case";
import { InvalidAnswerError } from "../errors";
import type { BucketDisposition } from "../plan";
import { rootEmailsOf } from "./root-access";

export interface HandoffAnswers {
  accountIds: string[];
  accountsWithoutRootAccess: string[];
  keepLifecycleTooling: boolean;
  bucketDisposition: BucketDisposition;
  removalBy: "partner" | "customer";
  destination: "standalone" | "organization";
  /** `o-…` organization id or the 12-digit management account of the new organization. */
  newOrganization?: string;
  /**
   * Destination organization only: what an account without the new organization's invitation does when it is
   * due to leave. Never defaulted: without an answer the account waits (is blocked).
   */
  joinDecision?: "wait_for_invitation" | "leave_now_join_later";
  credentialDelivery: "link" | "passwordless";
  /** Passwordless delivery: account → the address its root e-mail moves to. */
  rootEmails?: Record<string, string>;
  /** ISO date (`2026-03-31`) or timestamp, when the ticket has one. */
  targetDate?: string;
  /** Partner IAM items the customer keeps, (`keepPartnerAccess`); a kept role loses the partner's trust. */
  keepPartnerAccess?: string[];
}

export function readHandoffAnswers(answers: Record<string, AnswerValue>): HandoffAnswers {
  const problems: string[] = [];
  const list = (key: string, required: boolean): string[] => {
    const v = answers[key];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
    if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
    if (required) problems.push(`${key}: expected a list of account ids`);
    return [];
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback?: T): T => {
    const v = answers[key];
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    problems.push(`${key}: expected one of ${allowed.join(", ")}`);
    return allowed[0];
  };
  const flag = (key: string): boolean => {
    const v = answers[key];
    if (typeof v === "boolean") return v;
    if (v === undefined || v === null) return false;
    problems.push(`${key}: expected yes or no`);
    return false;
  };
  const optionalText = (key: string): string | undefined => {
    const v = answers[key];
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };

  const result: HandoffAnswers = {
    accountIds: list("accountIds", true),
    accountsWithoutRootAccess: list("accountsWithoutRootAccess", false),
    keepLifecycleTooling: flag("keepLifecycleTooling"),
    bucketDisposition: oneOf("bucketDisposition", ["keep", "archive", "delete"] as const),
    removalBy: oneOf("removalBy", ["partner", "customer"] as const),
    destination: oneOf("destination", ["standalone", "organization"] as const, "standalone"),
    newOrganization: optionalText("newOrganization"),
    credentialDelivery: oneOf("credentialDelivery", ["link", "passwordless"] as const, "link"),
    joinDecision:
      typeof answers.joinDecision === "string"
        ? oneOf("joinDecision", ["wait_for_invitation", "leave_now_join_later"] as const)
        : undefined,
    targetDate: optionalText("targetDate"),
    keepPartnerAccess: list("keepPartnerAccess", false),
  };
  if (result.destination === "organization" && !/^o-[a-z0-9]{10,32}$/.test(result.newOrganization ?? ""))
    problems.push("newOrganization: a destination organization needs the organization's ID (o-…)");
  const rootEmails = Object.fromEntries(rootEmailsOf(answers));
  if (Object.keys(rootEmails).length > 0) result.rootEmails = rootEmails;
  if (result.credentialDelivery === "passwordless") {
    result.rootEmails = rootEmails;
    const missing = result.accountIds.filter((id) => !result.rootEmails![id]);
    if (missing.length > 0) problems.push(`rootEmails: no new root e-mail for ${missing.join(", ")}`);
  }
  if (result.accountIds.length === 0 && !problems.some((p) => p.startsWith("accountIds")))
    problems.push("accountIds: no departing account given");
  if (problems.length > 0)
    throw new InvalidAnswerError(
      problems[0].split(":")[0],
      `the ticket is not ready for the AWS work: ${problems.join("; ")}`,
    );
  return result;
}
