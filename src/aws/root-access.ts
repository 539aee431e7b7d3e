/**
 * The passwordless root handover, as the core sees it: the member account's primary (root) e-mail moves
 * to an address of the customer's, the partner's root credentials and MFA are deleted in a root session
 * (`sts:AssumeRoot` with the `IAMDeleteRootUserCredentials` task policy), and password recovery is opened
 * (`IAMCreateRootUserPassword`), so the customer sets the root password themselves and no password ever
 * changes hands. `adapters/aws/root-access.ts` implements it on the SDK v3 clients.
 *
 * Everything here needs the account to be a member of the partner's organization, with centralized root
 * access and trusted access for AWS Account Management (`account.amazonaws.com`) enabled.
 */
import type { AnswerValue } from "../case";
import type { ChangeOutcome } from "./aws-operations";
import { AwsError } from "./aws-errors";
import { literal } from "../message";

/** The root credentials a root session found and removed. */
export interface RemovedRootCredentials {
  loginProfile: boolean;
  accessKeys: number;
  signingCertificates: number;
  /** MFA devices deactivated (a root session may deactivate them, not delete them). */
  mfaDevices: number;
}

/** What became of a code a customer approver gave for a primary e-mail update. */
export type PrimaryEmailCodeResult =
  /** AWS accepted it: the address is now the account's root e-mail. */
  | { kind: "accepted" }
  /** The address was the root e-mail already (an earlier code, a repeated message). */
  | { kind: "already_accepted" }
  /** Not the code AWS sent: the pending update stays, another try is fine. */
  | { kind: "wrong_code" }
  /** The code had expired, or no update was pending any more: AWS has sent a new code to the address. */
  | { kind: "new_code_sent" }
  /** The address is the root e-mail of another AWS account. */
  | { kind: "address_taken" };

export interface RootAccess {
  /** The account's primary (root) e-mail address now. */
  primaryEmail(accountId: string): Promise<string>;
  /** Starts moving the root e-mail to `email`; AWS mails a one-time code there. Throws RootEmailTakenError. */
  startPrimaryEmailUpdate(accountId: string, email: string): Promise<void>;
  /** Completes the update with the code the customer received (never logged, never stored). */
  acceptPrimaryEmailCode(accountId: string, email: string, code: string): Promise<PrimaryEmailCodeResult>;
  /**
   * Deletes the root user's password, access keys and signing certificates and deactivates its MFA devices. Whatever
   * is gone already is fine.
   */
  deleteRootCredentials(accountId: string): Promise<RemovedRootCredentials>;
  /** Lets the root user recover its password (`CreateLoginProfile` without a password); `already_done` when it can. */
  allowPasswordRecovery(accountId: string): Promise<ChangeOutcome>;
}

/** The trusted-access service principal that lets the management account change members' root e-mail. */
export const accountManagementPrincipal = "account.amazonaws.com";

/** The root task policies the handover uses (AWS managed, `arn:aws:iam::aws:policy/root-task/<name>`). */
export const rootTaskPolicies = {
  deleteCredentials: "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
  allowPasswordRecovery: "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
} as const;

/** What the customer must do when AWS refuses an address that already is another account's root e-mail. */
export function addressTakenRemedy(accountId: string, email: string): string {
  return (
    `${email} is already the root e-mail of another AWS account, and an address can be the root of only one account. ` +
    `The customer either frees it (signs in to that other account as root and changes its e-mail address), after which a partner approver retries ${accountId}; ` +
    `or the partner hands ${accountId} over through a one-time credential link instead (\`credentials ${accountId}\`)`
  );
}

/**
 * AWS refused the new root e-mail: it is the root e-mail of another account (Account Management's ConflictException).
 */
export class RootEmailTakenError extends AwsError {
  constructor(accountId: string, email: string, operation = "StartPrimaryEmailUpdate") {
    super(
      `account ${accountId}: ${addressTakenRemedy(accountId, email)}`,
      { operation, accountId, awsCode: "ConflictException" },
      false,
    );
  }
}

/** What the channel is told while the run waits for the code. */
export function codeInstructions(accountId: string, email: string): string {
  return `AWS sent a code to ${literal(email)}. A customer approver replies \`code ${accountId} <code>\` in this thread (or \`/offboard code ${accountId} <code>\`). The code is valid for 24 hours.`;
}

/** What the customer does once the handover is done. */
export function rootAccessReady(accountId: string, email: string): string {
  return (
    `root access to ${accountId} is yours: open https://signin.aws.amazon.com/ , choose *Root user*, enter ${literal(email)} and use *Forgot password* to set the password, ` +
    "then set up MFA for the root user (IAM console → Security credentials). The partner's root password, access keys, signing certificates and MFA are gone."
  );
}

/** Separates account and address in the stored `rootEmails` answer (`"<account>=<email>"`). */
const pairSeparator = "=";

/** The stored form of one account's new root e-mail. */
export function rootEmailPair(accountId: string, email: string): string {
  return `${accountId}${pairSeparator}${email}`;
}

/** The `rootEmails` answer as account → address. */
export function rootEmailsOf(answers: Record<string, AnswerValue>): Map<string, string> {
  const value = answers.rootEmails;
  const out = new Map<string, string>();
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    if (typeof item !== "string") continue;
    const at = item.indexOf(pairSeparator);
    if (at > 0) out.set(item.slice(0, at), item.slice(at + 1));
  }
  return out;
}
