import type { Case, SignOff } from "./case";
import { canonicalJson, sha256Hex } from "./canonical";
import { AlreadySignedError, NotPermittedError, StaleApprovalError } from "./errors";
import { dateText } from "./date-text";
import { sameIdentity, type Identity } from "./identity";
import { mentionOf } from "./mention";
import { partyLabel, parties, type Party } from "./party";

/**
 * The sign-off policy. A sign-off binds to the SHA-256 of the canonical ticket + plan it approved, so
 * any later edit or re-plan leaves it behind (like a review dismissed by a new commit).
 */
export function approvalHash(value: Pick<Case, "id" | "ticket" | "plan">): string {
  return sha256Hex(canonicalJson({ case: value.id, ticket: value.ticket.answers, plan: value.plan ?? null }));
}

/** The short form of the hash shown on buttons and messages. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Sign-offs that still match the current ticket and plan. */
export function currentSignOffs(value: Case): SignOff[] {
  const hash = approvalHash(value);
  return value.signOffs.filter((s) => s.hash === hash);
}

export function signOffFor(value: Case, party: Party): SignOff | undefined {
  return currentSignOffs(value).find((s) => s.party === party);
}

/** All three parties have signed the current ticket and plan. */
export function isFullyApproved(value: Case): boolean {
  return parties.every((p) => signOffFor(value, p));
}

export function missingParties(value: Case): Party[] {
  return parties.filter((p) => !signOffFor(value, p));
}

/** Is `who` a member of `party` for this case? The partner comes from configuration (`isPartner`). */
export function isMemberOf(value: Case, party: Party, who: Identity, isPartner: boolean): boolean {
  if (party === "partner") return isPartner;
  return value.members[party].some((m) => sameIdentity(m, who));
}

/** The parties `who` belongs to in this case. */
export function partiesOf(value: Case, who: Identity, isPartner: boolean): Party[] {
  return parties.filter((p) => isMemberOf(value, p, who, isPartner));
}

export interface SignOffRequest {
  party: Party;
  by: Identity;
  /** The (short) hash the pressed button or card carried. */
  presentedHash: string;
  isPartner: boolean;
  at: Date;
}

/**
 * Decides a sign-off: returns the case with it recorded, or throws a typed error with the reason.
 * Order of checks: membership, staleness, one person one party, party already signed.
 */
export function recordSignOff(value: Case, request: SignOffRequest): Case {
  const { party, by } = request;
  if (!isMemberOf(value, party, by, request.isPartner)) {
    throw new NotPermittedError(
      `only a ${partyLabel[party]} approver can approve for ${partyLabel[party]}; you are not one in case ${value.id}`,
    );
  }
  const hash = approvalHash(value);
  if (!hash.startsWith(request.presentedHash) || request.presentedHash.length < 8) throw new StaleApprovalError();
  const current = currentSignOffs(value);
  const mine = current.find((s) => sameIdentity(s.by, by));
  if (mine && mine.party !== party) {
    throw new AlreadySignedError(
      `you already approved for ${partyLabel[mine.party]}; one person approves for one party only`,
    );
  }
  const existing = current.find((s) => s.party === party);
  if (existing) {
    throw new AlreadySignedError(
      `${partyLabel[party]} already approved this version (${mentionOf(existing.by)}, ${dateText(existing.at)})`,
    );
  }
  const signOff: SignOff = { party, by, at: request.at.toISOString(), hash };
  return { ...value, signOffs: [...current, signOff] };
}

/** Drops every sign-off: the ticket or plan changed. Returns whether any was voided. */
export function voidSignOffs(value: Case): { value: Case; voided: SignOff[] } {
  return { value: { ...value, signOffs: [] }, voided: value.signOffs };
}
