import {
  AwsAccessDeniedError,
  AwsConcurrentModificationError,
  AwsConstraintError,
  AwsError,
  AwsNotFoundError,
  AwsThrottledError,
  AwsTransientRefusalError,
  AwsUnavailableError,
  AwsUnexpectedError,
  constraintViolation,
  type AwsErrorContext,
} from "../../src/aws/aws-errors";

/** What an SDK v3 service exception looks like, as far as the translation needs. */
interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  Reason?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

const throttlingCodes = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
]);

const concurrentModificationCodes = new Set(["ConcurrentModificationException", "ConcurrentModification"]);

/**
 * Refusals AWS documents as passing by themselves: IAM's EntityTemporarilyUnmodifiable ("likely to succeed if you
 * try again after waiting several minutes", IAM API reference) and Organizations' membership-change rate limit
 * (ConstraintViolationException / HandshakeConstraintViolationException reason
 * ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED). Retried with backoff like throttling, never final.
 */
const transientRefusalCodes = new Set(["EntityTemporarilyUnmodifiable", "EntityTemporarilyUnmodifiableException"]);
const transientConstraintReasons = new Set(["ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED"]);
const constraintCodes = new Set(["ConstraintViolationException", "HandshakeConstraintViolationException"]);

function isTransientRefusal(e: SdkError): boolean {
  const code = codeOf(e);
  return (
    transientRefusalCodes.has(code) || (constraintCodes.has(code) && transientConstraintReasons.has(e.Reason ?? ""))
  );
}

const notFoundCodes: Record<string, string> = {
  NoSuchEntityException: "the IAM entity",
  NoSuchEntity: "the IAM entity",
  NoSuchBucket: "the bucket",
  NoSuchKey: "the object",
  AccountNotFoundException: "the account",
  HandshakeNotFoundException: "the invitation",
  AWSOrganizationsNotInUseException: "an organization",
};

const accessDeniedCodes = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AccessDeniedForDependencyException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "ExpiredToken",
  "ExpiredTokenException",
]);

/** Whether an SDK error is worth retrying after a pause: throttling, concurrent modification or an AWS-side failure. */
export function isRetryableSdkError(error: unknown): boolean {
  const e = error as SdkError;
  const code = codeOf(e);
  if (throttlingCodes.has(code) || concurrentModificationCodes.has(code) || isTransientRefusal(e)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  // No HTTP answer at all: a reset connection or a timeout.
  return (
    status === undefined &&
    ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "TimeoutError", "RequestTimeout"].includes(code)
  );
}

/** Turns any error from an SDK call into the typed error of `src/aws/aws-errors`. */
export function translateAwsError(error: unknown, context: Omit<AwsErrorContext, "awsCode">): AwsError {
  if (error instanceof AwsError) return error;
  const e = (error ?? {}) as SdkError;
  const code = codeOf(e);
  const ctx: AwsErrorContext = { ...context, awsCode: code };
  const message = e.message ?? String(error);
  if (throttlingCodes.has(code) || e.$metadata?.httpStatusCode === 429) return new AwsThrottledError(ctx);
  if (concurrentModificationCodes.has(code)) return new AwsConcurrentModificationError(ctx);
  if (isTransientRefusal(e)) return new AwsTransientRefusalError(ctx, e.Reason || code, message);
  if (code === "ConstraintViolationException" || code === "HandshakeConstraintViolationException")
    return constraintViolation(ctx, e.Reason ?? "", message);
  if (code === "DeleteConflict" || code === "DeleteConflictException")
    return constraintViolation(ctx, "DELETE_CONFLICT", message);
  if (code === "MasterCannotLeaveOrganizationException")
    return constraintViolation(ctx, "ACCOUNT_CANNOT_LEAVE_ORGANIZATION", message);
  if (code in notFoundCodes) return new AwsNotFoundError(ctx, notFoundCodes[code]);
  if (accessDeniedCodes.has(code)) return new AwsAccessDeniedError(ctx, message);
  if (isRetryableSdkError(e)) return new AwsUnavailableError(ctx, message);
  return new AwsUnexpectedError(ctx, message);
}

/**
 * A DeleteConflict: something still hangs on the entity. Right after the detaches that removed it, that is IAM's
 * eventual consistency (IAM User Guide, "Changes that I make are not always immediately visible") and worth
 * retrying with backoff (`awsRemovalSettling`).
 */
export function isDeleteConflict(error: unknown): boolean {
  return error instanceof AwsConstraintError && error.reason === "DELETE_CONFLICT";
}

export function isNotFound(error: unknown): boolean {
  return error instanceof AwsNotFoundError || codeOf(error as SdkError) in notFoundCodes;
}

function codeOf(e: SdkError | undefined): string {
  return String(e?.name && e.name !== "Error" ? e.name : (e?.Code ?? (e as { code?: string })?.code ?? ""));
}
