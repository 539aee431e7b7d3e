import type { ChatLocation, Identity } from "../identity";

/**
 * A one-time deposit link (`/d/<token>`): lets the partner approver who asked for it submit one
 * account's encrypted root credentials, once, within 30 minutes. Stored under the token's hash.
 */
export interface DepositLink {
  caseId: string;
  accountId: string;
  requestedBy: Identity;
  /** Where `credentials <account>` was given: answers go back there. */
  where: ChatLocation;
  expiresAt: string;
  /**
   * The fingerprint of the ticket and plan the three parties had signed when the link was issued: the deposit is
   * refused unless the case is still approved with this very fingerprint.
   */
  approvalHash: string;
  /** The signed-off credential recipients the retrieval link will go to, and only them. */
  recipients: Identity[];
}

/** `open` until the one Reveal wins (`retrieved`) or the lifetime ends (`expired`). */
export type RetrievalState = "open" | "retrieved" | "expired";

/**
 * A one-time retrieval link (`/r/<token>#<key>`). Redis keeps this under the token's hash: never the
 * token, never the key, never the ciphertext (that is in Secrets Manager).
 */
export interface RetrievalLink {
  caseId: string;
  accountId: string;
  /** `offboard/<case>/<account>/root` in Secrets Manager. */
  secretName: string;
  /** hex SHA-256 of the reveal proof (see credential-crypto.ts). */
  verifier: string;
  /** Display names of the recipients, for the page and the channel. */
  recipients: string[];
  state: RetrievalState;
  createdAt: string;
  expiresAt: string;
  retrievedAt?: string;
}

/** The result of trying to move a link from `open` to `retrieved`: exactly one caller wins. */
export type RetrievalClaim = { won: true } | { won: false; state: RetrievalState | "missing"; retrievedAt?: string };

/** The store of link tokens (hashed) and the counters that protect them. Implemented on Redis. */
export interface CredentialLinkStore {
  /**
   * Stores a deposit link for `ttlSeconds` and revokes any earlier deposit link of the same case and
   * account, so only the newest one can be used.
   */
  saveDeposit(tokenHash: string, link: DepositLink, ttlSeconds: number): Promise<void>;
  getDeposit(tokenHash: string): Promise<DepositLink | undefined>;
  /** Removes and returns the deposit link atomically: of two submissions, one gets it. */
  takeDeposit(tokenHash: string): Promise<DepositLink | undefined>;

  /** Stores an open retrieval link that disappears at `link.expiresAt`. */
  saveRetrieval(tokenHash: string, link: RetrievalLink): Promise<void>;
  getRetrieval(tokenHash: string): Promise<RetrievalLink | undefined>;
  /**
   * `open → retrieved` as one atomic step (exactly one of any number of concurrent callers wins). The
   * retrieved mark is kept `keepSeconds` longer so a later visit can say "already retrieved on …".
   */
  claimRetrieval(tokenHash: string, at: string, keepSeconds: number): Promise<RetrievalClaim>;
  /** `open → expired` atomically; says what the link was when it was not open (or "missing" once gone). */
  claimExpiry(tokenHash: string): Promise<RetrievalClaim>;

  /** Counts one attempt in a fixed window shared by every instance; returns the count so far. */
  countAttempt(scope: string, windowSeconds: number): Promise<number>;
  /** True the first time `scope` is claimed within `ttlSeconds` (throttles repeated alerts). */
  claimOnce(scope: string, ttlSeconds: number): Promise<boolean>;
}
