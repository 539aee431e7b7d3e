import { createHmac, randomInt } from "node:crypto";
import type { Identity } from "./identity";

/**
 * Link codes: `link` (a partner member, in the case thread) gives a one-time code; `join <code>` in another
 * conversation, on any platform, makes it a home of the same case. A code works once, for 15 minutes. Only its keyed
 * hash is stored or audited: the code itself is shown once, privately, to the partner member who asked.
 *
 * @example newLinkCode() // "K7QX-3MPD"
 */

/** How long a code works. */
export const linkCodeTtlSeconds = 15 * 60;
/** How long a used or expired code is still recognised, so its replay is refused as such and audited on its case. */
export const linkCodeKeepSeconds = 24 * 60 * 60;

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread. */
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const codeLength = 8;

/** A fresh code, 8 characters of base32 (40 bits) as `XXXX-XXXX`. */
export function newLinkCode(): string {
  let code = "";
  for (let i = 0; i < codeLength; i++) code += alphabet[randomInt(alphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The code as typed, read the Crockford way (case, dashes and spaces ignored; O is 0, I and L are 1), or undefined. */
export function readLinkCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (plain.length !== codeLength || [...plain].some((c) => !alphabet.includes(c))) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}

/**
 * What is stored and audited instead of the code: HMAC-SHA-256 (hex) of its canonical form under a server secret.
 * A plain SHA-256 would give the code back: 40 bits are 1.1 × 10¹² guesses, minutes on one GPU, well within a code's
 * 15 minutes, and the hash is in the audit trail anyone in the case channel can `export`. Keyed, the hash tells
 * nothing without the secret (`OFFBOARD_AUDIT_KEY`'s, under a label of its own so the two uses never meet).
 */
export function linkCodeHash(code: string, secret: Buffer): string {
  return createHmac("sha256", secret).update(`offboard link code v1\0${code}`).digest("hex");
}

/** An issued code, as stored under its hash. */
export interface LinkCode {
  caseId: string;
  issuedBy: Identity;
  issuedAt: string;
  expiresAt: string;
}

/** The one use of a code: exactly one caller wins; the others learn why not (and the case, when it is known). */
export type LinkCodeClaim =
  | { ok: true; link: LinkCode }
  | { ok: false; because: "unknown" }
  | { ok: false; because: "used" | "expired"; link: LinkCode };

/** Issued link codes, by keyed hash. Implemented on Redis (adapters/redis/link-code-store.ts). */
export interface LinkCodeStore {
  /** The keyed hash a code is stored and audited under (`linkCodeHash` with the installation's secret). */
  hashOf(code: string): string;
  /** Stores a new code; it is recognised for `keepSeconds` (longer than it works, see linkCodeKeepSeconds). */
  save(codeHash: string, link: LinkCode, keepSeconds: number): Promise<void>;
  /** Uses the code atomically at `now` (ISO): of two uses, one wins; a used or expired code is refused. */
  use(codeHash: string, now: string): Promise<LinkCodeClaim>;
}
