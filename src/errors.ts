/**
 * Errors as a closed set of coded classes. Each carries a message a person can act on; adapters show
 * `message` to users and never a stack trace.
 */
export type OffboardErrorCode =
  | "invalid_transition"
  | "invalid_answer"
  | "not_found"
  | "version_conflict"
  | "not_authorized"
  | "stale_approval"
  | "already_signed"
  | "config_invalid"
  | "aws_failure"
  | "link_invalid"
  | "not_configured";

export class OffboardError extends Error {
  constructor(
    readonly code: OffboardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A case was asked to move to a status its current status does not allow. */
export class InvalidTransitionError extends OffboardError {
  constructor(
    readonly from: string,
    readonly to: string,
    caseId?: string,
  ) {
    super("invalid_transition", `${caseId ? `case ${caseId} ` : ""}cannot go from "${from}" to "${to}"`);
  }
}

/** An answer to a ticket question was refused; `message` says what was wrong and what is expected. */
export class InvalidAnswerError extends OffboardError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("invalid_answer", message);
  }
}

export class NotFoundError extends OffboardError {
  constructor(message: string) {
    super("not_found", message);
  }
}

/** An optimistic update lost every retry against concurrent writers. */
export class VersionConflictError extends OffboardError {
  constructor(caseId: string) {
    super("version_conflict", `case ${caseId} changed too often at once; try again`);
  }
}

export class NotAuthorizedError extends OffboardError {
  constructor(message: string) {
    super("not_authorized", message);
  }
}

/** A sign-off button or card was pressed for a ticket/plan version that is no longer current. */
export class StaleApprovalError extends OffboardError {
  constructor(
    message = "this approval is for an older version of the ticket or plan; use the latest sign-off message",
  ) {
    super("stale_approval", message);
  }
}

export class AlreadySignedError extends OffboardError {
  constructor(message: string) {
    super("already_signed", message);
  }
}

/** Configuration is missing or bad; `problems` lists every one of them. */
export class ConfigError extends OffboardError {
  constructor(readonly problems: string[]) {
    super(
      "config_invalid",
      `Offboard cannot start, the configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/**
 * Something this installation or platform cannot do: a capability the chat platform lacks (a shared
 * channel on Teams, a private file on Slack) or a platform that is not configured. A user's answer, not a
 * failure: `message` says what to do instead.
 */
export class NotConfiguredError extends OffboardError {
  constructor(message: string) {
    super("not_configured", message);
  }
}
