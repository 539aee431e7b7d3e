import type { Case, CredentialRecord } from "../case";
import { homesOf } from "../case-homes";
import { NotFoundError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import type { Message } from "../message";
import type { AuditLog, CaseStore, ChatPort, Clock, SecretVault } from "../ports";
import { credentialRecipientsOf, statesOf } from "../authority";
import { approvalHash, isFullyApproved } from "../signoff";
import {
  credentialSecretName,
  hashToken,
  isWellFormedEnvelope,
  isWellFormedSecret,
  proofMatches,
  proofVerifier,
  randomSecret,
  revealProof,
} from "./credential-crypto";
import { CredentialLinkInvalidError, CredentialRequestRefusedError } from "./credential-errors";
import type { CredentialExpiry, CredentialExpiryScheduler } from "./credential-expiry";
import type { CredentialLinkStore, DepositLink, RetrievalLink } from "./credential-link";
import {
  depositLinkMessage,
  depositLinkSentLine,
  depositRefusedLine,
  displayNameOf,
  expiredLine,
  linkSentLine,
  lostLine,
  retrievalLinkMessage,
  retrievedLine,
  revisitedLine,
} from "./credential-messages";

/** Where problems that must not fail a request go (a pino logger fits). Never given a secret. */
export interface CredentialLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface RevealLimits {
  /** Reveal attempts per client IP per minute, all tokens together. */
  perIpPerMinute: number;
  /** Reveal attempts per token per minute, all clients together. */
  perTokenPerMinute: number;
}

export interface CredentialServiceDeps {
  cases: CaseStore;
  audit: AuditLog;
  chat: ChatPort;
  vault: SecretVault;
  links: CredentialLinkStore;
  clock: Clock;
  expiry: CredentialExpiryScheduler;
  /** `https://offboard.example.com`: the links are built on it. */
  publicBaseUrl: string;
  /** Lifetime of a retrieval link (config `linkTtlSeconds`, at most 7 days). */
  linkTtlSeconds: number;
  /** Lifetime of a deposit link; 30 minutes unless a test says otherwise. */
  depositTtlSeconds?: number;
  revealLimits?: RevealLimits;
  log?: CredentialLog;
  /** Where a deposit's root e-mail confirmation goes; absent, the tick is ignored. */
  rootEmails?: RootEmailConfirmations;
}

/** Who is at the other end of a page request, as the web adapter saw them. Recorded in the audit trail. */
export interface Visitor {
  ip: string;
  userAgent: string;
}

/** What the deposit form posts: the browser-made ciphertext and the fragment key it used. */
export interface DepositSubmission {
  ciphertext: unknown;
  key: unknown;
  /** The partner ticked "I changed the root e-mail to the customer's address" (the credential-link path). */
  rootEmailChanged?: unknown;
}

/** Records the partner's word that an account's root e-mail is the customer's now (the exit check reads it). */
export interface RootEmailConfirmations {
  confirm(caseId: string, accountId: string, by: Identity): Promise<unknown>;
}

export interface DepositView {
  caseId: string;
  accountId: string;
  secretName: string;
  expiresAt: string;
  /** Who gets the retrieval link: the recipients the three parties signed off. */
  recipients: string[];
}

export interface DepositReceipt {
  caseId: string;
  accountId: string;
  recipients: string[];
  expiresAt: string;
}

export type RetrievalView =
  | { kind: "open"; caseId: string; accountId: string; secretName: string; expiresAt: string; recipients: string[] }
  | { kind: "retrieved"; caseId: string; accountId: string; retrievedAt: string }
  | { kind: "invalid" };

export type RevealOutcome =
  | { kind: "revealed"; caseId: string; accountId: string; secretName: string; ciphertext: string }
  | { kind: "retrieved"; retrievedAt: string }
  | { kind: "lost" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  /** The vault could not be read: nothing was consumed, the same link works again later. */
  | { kind: "unavailable"; retryAfterSeconds: number }
  | { kind: "invalid" };

const defaultDepositTtlSeconds = 30 * 60;
const defaultRevealLimits: RevealLimits = { perIpPerMinute: 30, perTokenPerMinute: 10 };
/** A reload storm after retrieval alerts the channel once per this many seconds, not once per request. */
const revisitAlertSeconds = 300;

/**
 * The root-credential handover: one-time deposit links for the partner, one-time expiring retrieval
 * links for the customer's recipients, and the expiry of unopened links.
 *
 * The secret is encrypted in the depositor's browser under a fresh key and decrypted in the
 * recipient's; this service sees the key only while it builds the retrieval link and derives the
 * proof verifier from it, and keeps neither. Secrets Manager holds ciphertext, Redis holds hashes.
 *
 * @example
 *   await credentials.requestDeposit("OFB-2026-0042", "123456789012", partnerApprover, thread);
 */
export class CredentialService {
  private readonly depositTtlSeconds: number;
  private readonly revealLimits: RevealLimits;

  constructor(private readonly deps: CredentialServiceDeps) {
    this.depositTtlSeconds = deps.depositTtlSeconds ?? defaultDepositTtlSeconds;
    this.revealLimits = deps.revealLimits ?? defaultRevealLimits;
  }

  /**
   * `credentials <account>` by a partner approver (authorized by the caller): sends that person a
   * one-time deposit link by direct message (ephemeral in `where` when a direct message fails). Any
   * earlier deposit link of the account stops working.
   */
  async requestDeposit(caseId: string, accountId: string, by: Identity, where: ChatLocation): Promise<void> {
    const current = await this.caseOf(caseId);
    this.assertDepositAllowed(current, accountId);
    await this.expireOverdueLink(current, accountId);

    const token = randomSecret();
    const expiresAt = this.after(this.depositTtlSeconds);
    const approvedWith = approvalHash(current);
    await this.deps.links.saveDeposit(
      hashToken(token),
      {
        caseId,
        accountId,
        requestedBy: by,
        where,
        expiresAt,
        approvalHash: approvedWith,
        recipients: this.recipientsOf(current),
      },
      this.depositTtlSeconds,
    );
    const body = depositLinkMessage(caseId, accountId, `${this.deps.publicBaseUrl}/d/${token}`, expiresAt);
    try {
      await this.deps.chat.direct(by, body);
    } catch (error) {
      this.deps.log?.warn(
        { caseId, accountId, err: describeError(error) },
        "direct message with the deposit link failed; sending it ephemeral",
      );
      await this.deps.chat.ephemeral(where, by, body);
    }

    await this.setRecord(caseId, accountId, () => ({ state: "deposit_sent", recipients: [], expiresAt }));
    await this.deps.audit.append({
      caseId,
      actor: by,
      party: "partner",
      action: "credentials.deposit_link_sent",
      payload: { accountId, expiresAt },
    });
    await this.tellChannel(current, depositLinkSentLine(accountId, by, expiresAt));
  }

  /** What the deposit page shows; consumes nothing. */
  async openDeposit(token: string): Promise<DepositView | undefined> {
    const link = isWellFormedSecret(token) ? await this.deps.links.getDeposit(hashToken(token)) : undefined;
    if (!link) return undefined;
    return {
      caseId: link.caseId,
      accountId: link.accountId,
      secretName: credentialSecretName(link.caseId, link.accountId),
      expiresAt: link.expiresAt,
      recipients: (link.recipients ?? []).map(displayNameOf),
    };
  }

  /**
   * The deposit form was submitted: stores the ciphertext in the vault, sends the retrieval link to the
   * ticket's credential recipients and tells the channel. The deposit link works once.
   */
  async completeDeposit(token: string, submission: DepositSubmission): Promise<DepositReceipt> {
    const { ciphertext, key } = submission;
    if (!isWellFormedEnvelope(ciphertext) || !isWellFormedSecret(key)) {
      throw new CredentialRequestRefusedError(
        "the form sent something unreadable; reload the deposit page and submit again",
      );
    }
    const depositHash = hashToken(String(token));
    const preview = await this.deps.links.getDeposit(depositHash);
    if (!preview) throw new CredentialLinkInvalidError();
    const current = await this.caseOf(preview.caseId);
    await this.assertStillSigned(current, preview, depositHash);
    const recipients = preview.recipients;
    const deposit = await this.deps.links.takeDeposit(depositHash);
    if (!deposit) throw new CredentialLinkInvalidError();
    const { caseId, accountId } = deposit;
    const secretName = credentialSecretName(caseId, accountId);
    const createdAt = this.deps.clock.now().toISOString();
    const expiresAt = this.after(this.deps.linkTtlSeconds);

    const retrievalToken = randomSecret();
    const tokenHash = hashToken(retrievalToken);
    try {
      await this.deps.vault.put(secretName, ciphertext, {
        "offboard:case": caseId,
        "offboard:account": accountId,
        "offboard:expires-at": expiresAt,
      });
    } catch (error) {
      // Nothing was stored: give the deposit link back so the partner can simply submit again.
      const remaining = Math.floor((Date.parse(deposit.expiresAt) - this.deps.clock.now().getTime()) / 1000);
      if (remaining > 0) await this.deps.links.saveDeposit(depositHash, deposit, remaining);
      throw error;
    }
    const link: RetrievalLink = {
      caseId,
      accountId,
      secretName,
      verifier: proofVerifier(revealProof(retrievalToken, key)),
      recipients: recipients.map(displayNameOf),
      state: "open",
      createdAt,
      expiresAt,
    };
    await this.deps.links.saveRetrieval(tokenHash, link);
    await this.deps.expiry.schedule({ caseId, accountId, tokenHash, expiresAt }, new Date(expiresAt));
    await this.setRecord(caseId, accountId, () => ({ state: "link_sent", recipients: link.recipients, expiresAt }));
    await this.deps.audit.append({
      caseId,
      actor: deposit.requestedBy,
      party: "partner",
      action: "credentials.deposited",
      payload: { accountId, secretName },
    });
    if (submission.rootEmailChanged === true)
      await this.deps.rootEmails?.confirm(caseId, accountId, deposit.requestedBy);

    const body = retrievalLinkMessage(
      caseId,
      accountId,
      `${this.deps.publicBaseUrl}/r/${retrievalToken}#${key}`,
      expiresAt,
    );
    const unreachable: Identity[] = [];
    for (const recipient of recipients) {
      try {
        await this.deps.chat.direct(recipient, body);
      } catch (error) {
        unreachable.push(recipient);
        this.deps.log?.warn(
          { caseId, accountId, recipient: recipient.userId, err: describeError(error) },
          "direct message with the retrieval link failed",
        );
      }
    }
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: "credentials.link_sent",
      payload: { accountId, recipients: link.recipients, unreachable: unreachable.map(displayNameOf), expiresAt },
    });
    await this.tellChannel(current, linkSentLine(accountId, recipients, expiresAt, unreachable));
    return { caseId, accountId, recipients: link.recipients, expiresAt };
  }

  /**
   * What the retrieval page shows. Consumes nothing (link previews and mail scanners fetch links), but
   * a visit to a link already used alerts the channel.
   */
  async openRetrieval(token: string, visitor: Visitor): Promise<RetrievalView> {
    const tokenHash = hashToken(String(token));
    const link = isWellFormedSecret(token) ? await this.deps.links.getRetrieval(tokenHash) : undefined;
    if (!link || link.state === "expired") return { kind: "invalid" };
    if (link.state === "retrieved") {
      const retrievedAt = link.retrievedAt ?? link.createdAt;
      await this.alertRevisit(tokenHash, link, retrievedAt, visitor);
      return { kind: "retrieved", caseId: link.caseId, accountId: link.accountId, retrievedAt };
    }
    return {
      kind: "open",
      caseId: link.caseId,
      accountId: link.accountId,
      secretName: link.secretName,
      expiresAt: link.expiresAt,
      recipients: link.recipients,
    };
  }

  /**
   * The Reveal button: with the proof only the fragment key can make, reads the ciphertext, then
   * consumes the link (one winner among any number of concurrent reveals), deletes the secret and
   * returns the ciphertext for the browser to decrypt. A failed read consumes nothing. An unknown token
   * and a wrong proof get the same answer after the same work.
   */
  async reveal(token: string, proof: unknown, visitor: Visitor): Promise<RevealOutcome> {
    const tokenHash = hashToken(String(token));
    const [byIp, byToken] = await Promise.all([
      this.deps.links.countAttempt(`reveal-ip:${visitor.ip}`, 60),
      this.deps.links.countAttempt(`reveal-token:${tokenHash}`, 60),
    ]);
    if (byIp > this.revealLimits.perIpPerMinute || byToken > this.revealLimits.perTokenPerMinute)
      return { kind: "rate_limited", retryAfterSeconds: 60 };

    const link = await this.deps.links.getRetrieval(tokenHash);
    if (!proofMatches(proof, link?.verifier) || !link || link.state === "expired") return { kind: "invalid" };
    if (link.state === "retrieved") {
      const retrievedAt = link.retrievedAt ?? link.createdAt;
      await this.alertRevisit(tokenHash, link, retrievedAt, visitor);
      return { kind: "retrieved", retrievedAt };
    }

    // Read before claiming: a vault failure (throttling, an outage) must leave the link usable, and
    // must not make the next attempt look like a second visit.
    const { caseId, accountId, secretName } = link;
    let ciphertext: string | undefined;
    try {
      ciphertext = await this.deps.vault.get(secretName);
    } catch (error) {
      this.deps.log?.warn(
        { caseId, accountId, err: describeError(error) },
        "could not read the secret for a reveal; the link stays usable",
      );
      return { kind: "unavailable", retryAfterSeconds: 60 };
    }

    const at = this.deps.clock.now().toISOString();
    const claim = await this.deps.links.claimRetrieval(tokenHash, at, this.deps.linkTtlSeconds);
    if (!claim.won)
      return claim.state === "retrieved" && claim.retrievedAt
        ? { kind: "retrieved", retrievedAt: claim.retrievedAt }
        : { kind: "invalid" };

    if (ciphertext === undefined) {
      await this.afterwards("record a lost secret", async () => {
        await this.deps.audit.append({
          caseId,
          actor: "system",
          action: "credentials.lost",
          payload: { accountId, at, ip: visitor.ip, userAgent: visitor.userAgent },
        });
        await this.tellChannel(await this.caseOf(caseId), lostLine(accountId));
      });
      return { kind: "lost" };
    }
    const destroyed = await this.deps.vault.destroy(secretName).then(
      () => true,
      (error: unknown) => {
        // The expiry job, left scheduled, deletes it later.
        this.deps.log?.warn(
          { caseId, accountId, err: describeError(error) },
          "could not delete the retrieved secret; the expiry job will",
        );
        return false;
      },
    );
    await this.afterwards("record the retrieval", async () => {
      if (destroyed) await this.deps.expiry.cancel(tokenHash);
      await this.deps.audit.append({
        caseId,
        actor: "system",
        action: "credentials.retrieved",
        payload: { accountId, at, ip: visitor.ip, userAgent: visitor.userAgent, secretDeleted: destroyed },
      });
      const updated = await this.setRecord(caseId, accountId, (record) =>
        record?.expiresAt === link.expiresAt
          ? { state: "retrieved", recipients: record.recipients, expiresAt: record.expiresAt }
          : undefined,
      );
      await this.tellChannel(updated, retrievedLine(accountId, at));
    });
    return { kind: "revealed", caseId, accountId, secretName, ciphertext };
  }

  /**
   * The end of a retrieval link's life (the delayed expiry job): if nobody revealed it, it is expired,
   * its secret deleted and the channel told. Safe to run twice, late, or after a retrieval.
   */
  async expire(expiry: CredentialExpiry): Promise<"expired" | "skipped"> {
    const { caseId, accountId, tokenHash } = expiry;
    const claim = await this.deps.links.claimExpiry(tokenHash);
    const current = await this.deps.cases.get(caseId);
    const record = current?.credentials?.[accountId];
    // The secret's name is per account: only the link the case still points at may delete it.
    const isCurrent = record !== undefined && record.expiresAt === expiry.expiresAt;
    const secretName = credentialSecretName(caseId, accountId);

    if (!claim.won && claim.state === "retrieved") {
      // Nobody can read the secret through a consumed link any more; a reveal that deleted it already
      // makes this a no-op, one that died between its claim and the deletion leaves it to us.
      if (isCurrent) await this.deps.vault.destroy(secretName);
      return "skipped";
    }
    const unopened = claim.won || (claim.state === "missing" && isCurrent && record.state === "link_sent");
    if (!unopened || !isCurrent || !current) return "skipped";

    await this.deps.vault.destroy(secretName);
    const expiresAt = expiry.expiresAt;
    const updated = await this.setRecord(caseId, accountId, (now) =>
      now?.state === "link_sent" && now.expiresAt === expiresAt
        ? { state: "expired", recipients: now.recipients, expiresAt }
        : undefined,
    );
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: "credentials.expired",
      payload: { accountId, expiresAt, secretDeleted: true },
    });
    await this.tellChannel(updated, expiredLine(accountId, expiresAt));
    return "expired";
  }

  /**
   * A deposit completes only while the case is still approved by all three parties with the fingerprint the link
   * was issued under: an edit after approval (which voids the sign-offs), a re-plan or a cancel stops it, and the
   * partner is told why. The link is used up either way.
   */
  private async assertStillSigned(current: Case, link: DepositLink, depositHash: string): Promise<void> {
    const reason = !statesOf("deposit").includes(current.status)
      ? `case ${current.id} is ${current.status.replace(/_/g, " ")}`
      : !isFullyApproved(current)
        ? `the sign-offs of ${current.id} were voided (the ticket or plan changed after approval)`
        : approvalHash(current) !== link.approvalHash || !link.recipients?.length
          ? `the ticket or plan of ${current.id} changed since this link was issued`
          : undefined;
    if (!reason) return;
    await this.deps.links.takeDeposit(depositHash);
    await this.deps.audit.append({
      caseId: current.id,
      actor: link.requestedBy,
      party: "partner",
      action: "deposit.denied",
      payload: { accountId: link.accountId, reason },
    });
    await this.tellChannel(current, depositRefusedLine(link.accountId, reason));
    throw new CredentialRequestRefusedError(
      `this deposit link is no longer valid: ${reason}. Nothing was stored. Once the three parties have signed again, ask for a new link with \`credentials ${link.accountId}\`.`,
    );
  }

  private assertDepositAllowed(current: Case, accountId: string): void {
    if (current.status === "cancelled")
      throw new CredentialRequestRefusedError(`case ${current.id} is cancelled: no credentials are handed over`);
    if (!isFullyApproved(current))
      throw new CredentialRequestRefusedError(
        `root credentials move only after the customer, AWS and the partner have all signed the current ticket and plan of ${current.id}`,
      );
    if (!current.accounts.includes(accountId)) {
      throw new CredentialRequestRefusedError(
        `account ${accountId} is not part of case ${current.id} (its accounts: ${current.accounts.join(", ") || "none yet"})`,
      );
    }
    this.recipientsOf(current);
    const record = current.credentials?.[accountId];
    if (
      record?.state === "link_sent" &&
      record.expiresAt &&
      Date.parse(record.expiresAt) > this.deps.clock.now().getTime()
    ) {
      throw new CredentialRequestRefusedError(
        `a retrieval link for account ${accountId} was sent to ${record.recipients.join(", ")} and is valid until ${record.expiresAt}; a new deposit is possible once it is retrieved or expired`,
      );
    }
  }

  /** A link past its end whose expiry job has not run yet (workers down): expire it now, before a new deposit. */
  private async expireOverdueLink(current: Case, accountId: string): Promise<void> {
    const record = current.credentials?.[accountId];
    if (record?.state !== "link_sent") return;
    await this.deps.vault.destroy(credentialSecretName(current.id, accountId));
    await this.setRecord(current.id, accountId, (now) =>
      now?.state === "link_sent" && now.expiresAt === record.expiresAt
        ? { state: "expired", recipients: now.recipients, expiresAt: now.expiresAt }
        : undefined,
    );
    await this.deps.audit.append({
      caseId: current.id,
      actor: "system",
      action: "credentials.expired",
      payload: { accountId, expiresAt: record.expiresAt, secretDeleted: true },
    });
  }

  private recipientsOf(current: Case): Identity[] {
    const recipients = credentialRecipientsOf(current);
    if (recipients.length === 0) {
      throw new CredentialRequestRefusedError(
        `case ${current.id} names no root-credential recipient: answer it first with \`edit credentialRecipients\``,
      );
    }
    return recipients;
  }

  private async caseOf(caseId: string): Promise<Case> {
    const found = await this.deps.cases.get(caseId);
    if (!found) throw new NotFoundError(`case ${caseId} was not found`);
    return found;
  }

  /** Sets one account's CredentialRecord; `next` returns undefined to leave the case as it is. */
  private setRecord(
    caseId: string,
    accountId: string,
    next: (record: CredentialRecord | undefined) => Omit<CredentialRecord, "accountId" | "updatedAt"> | undefined,
  ): Promise<Case> {
    const updatedAt = this.deps.clock.now().toISOString();
    return this.deps.cases.update(caseId, (current) => {
      const value = next(current.credentials?.[accountId]);
      if (!value) return current;
      return { ...current, credentials: { ...current.credentials, [accountId]: { accountId, ...value, updatedAt } } };
    });
  }

  private async alertRevisit(
    tokenHash: string,
    link: RetrievalLink,
    retrievedAt: string,
    visitor: Visitor,
  ): Promise<void> {
    if (!(await this.deps.links.claimOnce(`revisit:${tokenHash}`, revisitAlertSeconds))) return;
    await this.afterwards("alert the channel of a revisit", async () => {
      await this.deps.audit.append({
        caseId: link.caseId,
        actor: "system",
        action: "credentials.revisited",
        payload: { accountId: link.accountId, retrievedAt, ip: visitor.ip, userAgent: visitor.userAgent },
      });
      await this.tellChannel(await this.caseOf(link.caseId), revisitedLine(link.accountId, retrievedAt));
    });
  }

  /** The case's thread in every home of the case (src/case-homes.ts). */
  private async tellChannel(current: Case, body: Message): Promise<void> {
    if (!current.locations[0]) return;
    for (const home of homesOf(current)) {
      // The first home fails loudly, as ever; a further home that cannot be reached does not silence the others.
      if (home.index === 0) await this.deps.chat.post(home.thread, body);
      else
        await this.afterwards(`tell the ${home.thread.platform} home`, () =>
          this.deps.chat.post(home.thread, body).then(() => undefined),
        );
    }
  }

  /** Work after the point of no return (the link is consumed): it must not keep the ciphertext from the recipient. */
  private async afterwards(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.deps.log?.warn({ err: describeError(error) }, `could not ${what}`);
    }
  }

  private after(seconds: number): string {
    return new Date(this.deps.clock.now().getTime() + seconds * 1000).toISOString();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
