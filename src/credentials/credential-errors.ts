import { OffboardError } from "../errors";

/**
 * A credential link that cannot be used: unknown, already used, expired or superseded. Deliberately
 * one message for all of them, so a guesser learns nothing about which tokens exist.
 */
export class CredentialLinkInvalidError extends OffboardError {
  constructor(
    message = "this link is not valid: it was already used, has expired or was replaced by a newer one. Ask the partner for a new link",
  ) {
    super("link_invalid", message);
  }
}

/** A deposit request the case does not allow right now; the message says what to do instead. */
export class CredentialRequestRefusedError extends OffboardError {
  constructor(message: string) {
    super("invalid_transition", message);
  }
}
