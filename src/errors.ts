import { randomBytes } from "node:crypto";

/**
 * Errors as a closed set of coded classes, in two kinds:
 * - `OffboardError` and its subclasses are people's mistakes or refusals: answered to the person with what to do
 *   instead, the request counted as done;
 * - `OffboardFailure` is our failure (Redis, a chat API, a bug): logged with its cause, answered with a short
 *   apology and a correlation id, never the internal message; the request may be retried.
 *
 * Adapters show an OffboardError's `message` and an OffboardFailure's `publicMessage`, never a stack trace.
 */
export type OffboardErrorCode =
  | "invalid_transition"
  | "invalid_answer"
  | "not_found"
  | "version_conflict"
  | "not_permitted"
  | "invalid_command"
  | "not_configured"
  | "stale_approval"
  | "already_signed"
  | "config_invalid"
  | "aws_failure"
  | "link_invalid"
  | "not_ready";

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

/** The person may not do this (wrong party, not a member of the case); `message` says who may. */
export class NotPermittedError extends OffboardError {
  constructor(message: string) {
    super("not_permitted", message);
  }
}

/** A command used wrongly (bad arguments, nothing to retry, wrong moment); `message` says what to type instead. */
export class InvalidCommandError extends OffboardError {
  constructor(message: string) {
    super("invalid_command", message);
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
 * Our own failure while handling someone's request. `publicMessage` is what the person may read: an apology and
 * the correlation id the operators find in the log beside the cause.
 */
export class OffboardFailure extends Error {
  /** `error` as a failure: itself when it is one already, else wrapped with a fresh correlation id. */
  static of(error: unknown): OffboardFailure {
    return error instanceof OffboardFailure ? error : new OffboardFailure(randomBytes(4).toString("hex"), error);
  }

  readonly publicMessage: string;

  constructor(
    readonly correlationId: string,
    override readonly cause: unknown,
  ) {
    super(`request ${correlationId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "OffboardFailure";
    this.publicMessage = `Sorry, that did not go through on our side (reference ${correlationId}). What was already recorded is kept; please try again in a moment.`;
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

/**
 * A run or retry asked for what cannot run: no account of the case is ready, or the account has nothing to retry.
 * `message` names each account and what blocks it.
 */
export class NotReadyError extends OffboardError {
  constructor(message: string) {
    super("not_ready", message);
  }
}
