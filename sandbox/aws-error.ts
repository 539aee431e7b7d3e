/**
 * An AWS error as the sandbox answers it. Each protocol writer turns it into the wire shape its SDK
 * client parses (JSON `__type`, query `<ErrorResponse>`, REST-JSON `x-amzn-ErrorType`, S3 `<Error>`),
 * so the caller gets the SDK's real exception class (e.g. `ConstraintViolationException` with `Reason`).
 */
export class AwsError extends Error {
  constructor(
    /** The error code on the wire: `ConstraintViolationException`, IAM `DeleteConflict`, S3 `BucketNotEmpty`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Modeled members of the exception besides the message, e.g. `{ Reason: "WAIT_PERIOD_ACTIVE" }`. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AwsError";
  }
}

/** The error every service answers an unknown operation with, so a missing sandbox feature is obvious. */
export function unsupportedOperation(service: string, operation: string): AwsError {
  return new AwsError(
    service === "iam" || service === "sts" ? "InvalidAction" : "UnknownOperationException",
    `the Offboard sandbox does not implement ${service}:${operation}; add it under sandbox/services/`,
    400,
  );
}
