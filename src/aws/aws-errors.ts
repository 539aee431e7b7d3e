/**
 * AWS failures as typed errors with a reason a person can act on. The AWS adapter translates every SDK
 * error into one of these; the jobs decide from `retryable` whether to back off and try again or to
 * stop the account and tell the channel why.
 */
import { OffboardError } from "../errors";

/** What AWS said, where: the operation, the account it was made for, and AWS's own error code. */
export interface AwsErrorContext {
  operation: string;
  accountId?: string;
  awsCode?: string;
}

export class AwsError extends OffboardError {
  readonly operation: string;
  readonly accountId?: string;
  readonly awsCode?: string;
  constructor(
    message: string,
    context: AwsErrorContext,
    /** Worth trying again after a pause (throttling, concurrent modification, a 5xx). */
    readonly retryable: boolean,
  ) {
    super("aws_failure", message);
    this.operation = context.operation;
    this.accountId = context.accountId;
    this.awsCode = context.awsCode;
  }
}

/** AWS asked us to slow down (Throttling, TooManyRequestsException, SlowDown, …). */
export class AwsThrottledError extends AwsError {
  constructor(context: AwsErrorContext) {
    super(
      `AWS is throttling ${context.operation}${forAccount(context.accountId)}; retrying with backoff`,
      context,
      true,
    );
  }
}

/** Another change to the same resource was in flight (ConcurrentModificationException). */
export class AwsConcurrentModificationError extends AwsError {
  constructor(context: AwsErrorContext) {
    super(
      `another change was in progress during ${context.operation}${forAccount(context.accountId)}; retrying with backoff`,
      context,
      true,
    );
  }
}

/**
 * AWS refused for now and says so: IAM's EntityTemporarilyUnmodifiable, Organizations'
 * ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED. Retried with backoff, then by the job.
 */
export class AwsTransientRefusalError extends AwsError {
  constructor(
    context: AwsErrorContext,
    /** AWS's reason or error code. */
    readonly reason: string,
    detail: string,
  ) {
    super(
      `AWS refused ${context.operation}${forAccount(context.accountId)} for now (${reason}: ${detail}); retrying with backoff`,
      context,
      true,
    );
  }
}

/** AWS failed on its side (5xx) or could not be reached. */
export class AwsUnavailableError extends AwsError {
  constructor(context: AwsErrorContext, detail: string) {
    super(
      `AWS could not complete ${context.operation}${forAccount(context.accountId)} (${detail}); retrying`,
      context,
      true,
    );
  }
}

/** The thing acted on does not exist (NoSuchEntity, NoSuchBucket, AccountNotFound, …). */
export class AwsNotFoundError extends AwsError {
  constructor(context: AwsErrorContext, what: string) {
    super(`${what} was not found${forAccount(context.accountId)}`, context, false);
  }
}

/** The caller may not do this: usually the cross-account role is missing, locked or lacks a permission. */
export class AwsAccessDeniedError extends AwsError {
  constructor(context: AwsErrorContext, detail: string) {
    super(
      `AWS refused ${context.operation}${forAccount(context.accountId)}: ${detail}. Check that the partner's management credentials can assume the cross-account role and that it has the needed permissions`,
      context,
      false,
    );
  }
}

/**
 * Organizations' `ConstraintViolationException` reasons that an account leaving the organization meets,
 * each with what the customer (or partner) must do about it.
 */
export const leaveConstraintReasons = {
  MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED:
    "must have a payment method before it can leave the organization: the customer adds one (Billing console → Payment preferences) and then retries",
  INVALID_PAYMENT_INSTRUMENT:
    "has no valid payment method: the customer adds a valid one (Billing console → Payment preferences) and then retries",
  ACCOUNT_CANNOT_LEAVE_WITHOUT_PHONE_VERIFICATION:
    "must have a verified phone number before it can leave: the customer verifies it (sign in as root, complete the phone verification) and then retries",
  ACCOUNT_CANNOT_LEAVE_WITHOUT_EULA:
    "must accept the AWS Customer Agreement before it can leave: the customer signs in as root, accepts it, and then retries",
  WAIT_PERIOD_ACTIVE:
    "was created or joined too recently to leave (AWS enforces a waiting period): reschedule the run for a later date",
  CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG:
    "is a delegated administrator for a service in the organization: the partner deregisters it first, then retries",
  MASTER_ACCOUNT_MISSING_CONTACT_INFO:
    "cannot leave while the management account is missing contact information: the partner completes it, then retries",
  ACCOUNT_CANNOT_LEAVE_ORGANIZATION:
    "is not allowed to leave this organization (it is the management account or was created with restrictions)",
} as const;

export type LeaveConstraintReason = keyof typeof leaveConstraintReasons;

/**
 * AWS refused because a precondition of the account is not met (Organizations' ConstraintViolationException,
 * HandshakeConstraintViolationException, IAM DeleteConflict, …). Not retryable as is: someone must act first.
 */
export class AwsConstraintError extends AwsError {
  constructor(
    context: AwsErrorContext,
    /** AWS's reason code, e.g. `MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED`. */
    readonly reason: string,
    /** What to do about it, in plain words. */
    readonly remedy: string,
  ) {
    super(`account ${context.accountId ?? "(unknown)"} ${remedy} (AWS: ${reason})`, context, false);
  }
}

/** Builds the constraint error for a reason AWS gave, with the remedy from the table (or AWS's own words). */
export function constraintViolation(context: AwsErrorContext, reason: string, awsMessage?: string): AwsConstraintError {
  const known = (leaveConstraintReasons as Record<string, string>)[reason] ?? handshakeConstraintReasons[reason];
  const remedy =
    known ?? `cannot complete ${context.operation} because of an AWS constraint${awsMessage ? `: ${awsMessage}` : ""}`;
  return new AwsConstraintError(context, reason || "UNKNOWN", remedy);
}

/** HandshakeConstraintViolationException reasons met when accepting the new organization's invitation. */
const handshakeConstraintReasons: Record<string, string> = {
  ALREADY_IN_AN_ORGANIZATION: "is still in an organization and cannot accept the invitation until it has left",
  HANDSHAKE_RATE_LIMIT_EXCEEDED: "has reached the invitation rate limit: wait a day and retry",
  ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED: "changed organizations too often recently: wait and retry",
  PAYMENT_INSTRUMENT_REQUIRED:
    "must have a payment method before it can join the new organization: the customer adds one, then retries",
  ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION:
    "cannot accept while the new organization is migrating to all features: retry later",
};

/** Any other AWS failure, with AWS's code and message. */
export class AwsUnexpectedError extends AwsError {
  constructor(context: AwsErrorContext, awsMessage: string) {
    super(
      `AWS failed ${context.operation}${forAccount(context.accountId)}: ${context.awsCode ?? "error"}: ${awsMessage}`,
      context,
      false,
    );
  }
}

/** A precondition the run checks itself (e.g. no open invitation from the new organization). */
export class HandoffPreconditionError extends OffboardError {
  constructor(
    readonly accountId: string,
    message: string,
  ) {
    super("aws_failure", message);
  }
}

export function isRetryableAwsError(error: unknown): boolean {
  return error instanceof AwsError && error.retryable;
}

function forAccount(accountId?: string): string {
  return accountId ? ` for account ${accountId}` : "";
}
