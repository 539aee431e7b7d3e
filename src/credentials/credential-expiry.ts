/** An open retrieval link to be expired at its end of life, unless it was retrieved first. */
export interface CredentialExpiry {
  caseId: string;
  accountId: string;
  /** The link's token hash (never the token). */
  tokenHash: string;
  /** The link's end of life; identifies it among the account's successive links. */
  expiresAt: string;
}

/**
 * Runs `CredentialService.expire` for a link at a given time, from whichever process is alive then.
 * Implemented on a delayed BullMQ job (`jobs/credential-expiry.ts`).
 */
export interface CredentialExpiryScheduler {
  schedule(expiry: CredentialExpiry, at: Date): Promise<void>;
  /** Drops the scheduled expiry of a retrieved link; nothing happens when none is scheduled. */
  cancel(tokenHash: string): Promise<void>;
}
