import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

/**
 * The cryptography of a credential link, one scheme shared by the server (here) and the browser
 * (`adapters/web/credential-static/credential-page.js`, WebCrypto). Both sides must derive the same bytes:
 *
 *   key        32 random bytes, only ever in the link's fragment (`/r/<token>#<key>`, base64url)
 *   encKey     HKDF-SHA-256(key, salt = "", info = "offboard/credential-encryption/v1") → AES-256-GCM key
 *   proofKey   HKDF-SHA-256(key, salt = "", info = "offboard/reveal-proof/v1")          → HMAC-SHA-256 key
 *   proof      base64url(HMAC-SHA-256(proofKey, token)): what a Reveal POST carries
 *   verifier   hex(SHA-256(proof)): what Redis keeps, so a copy of Redis cannot forge a proof
 *   envelope   `v1.<iv>.<ciphertext+tag>` (base64url), AES-GCM with the secret's name as associated data,
 *              so a ciphertext moved to another case or account fails to decrypt
 *
 * Two keys from one: the proof can be checked without the server ever holding the encryption key.
 */
export const encryptionInfo = "offboard/credential-encryption/v1";
export const proofInfo = "offboard/reveal-proof/v1";
const envelopeVersion = "v1";
const ivBytes = 12;
const tagBytes = 16;

/** Root credentials as the partner types them into the deposit form. Plaintext: never stored, never logged. */
export interface RootCredentials {
  email: string;
  password: string;
  mfaNotes: string;
}

/** 256 random bits, base64url: a link token or a fragment key. */
export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** What Redis may keep of a token: its SHA-256, hex. The token itself is a bearer secret. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A token or key as minted here: 43 base64url characters (32 bytes). */
export function isWellFormedSecret(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}

function deriveKey(key: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(key, "base64url"), Buffer.alloc(0), Buffer.from(info, "utf8"), 32));
}

/** The proof a Reveal POST must carry: only a holder of the fragment key can compute it. */
export function revealProof(token: string, key: string): string {
  return createHmac("sha256", deriveKey(key, proofInfo)).update(token, "utf8").digest("base64url");
}

/** The verifier stored beside the token hash. */
export function proofVerifier(proof: string): string {
  return createHash("sha256").update(proof, "utf8").digest("hex");
}

/**
 * A verifier no real link has (random per process): unknown tokens are checked against it so that they
 * cost the same work and time as a wrong proof.
 */
const decoyVerifier = proofVerifier(randomSecret());

/**
 * Constant-time check of a submitted proof against the stored verifier (or the decoy when the token is
 * unknown). Hashing first makes both sides 32 bytes whatever was submitted.
 */
export function proofMatches(submitted: unknown, verifier: string | undefined): boolean {
  const proof = typeof submitted === "string" ? submitted.slice(0, 256) : "";
  const expected = Buffer.from(verifier ?? decoyVerifier, "hex");
  const actual = Buffer.from(proofVerifier(proof), "hex");
  const same = expected.length === actual.length && timingSafeEqual(expected, actual);
  return same && verifier !== undefined;
}

/** A ciphertext envelope as the browser produces it; checked at the edge before it is stored. */
export function isWellFormedEnvelope(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 16384) return false;
  const parts = value.split(".");
  if (parts.length !== 3 || parts[0] !== envelopeVersion) return false;
  if (!/^[A-Za-z0-9_-]+$/.test(parts[1]) || !/^[A-Za-z0-9_-]+$/.test(parts[2])) return false;
  return Buffer.from(parts[1], "base64url").length === ivBytes && Buffer.from(parts[2], "base64url").length > tagBytes;
}

/**
 * Encrypts credentials the way the deposit page does. The server never calls this on a real deposit
 * (the browser encrypts); it is the reference implementation for tests and benchmarks.
 */
export function encryptCredentials(credentials: RootCredentials, key: string, secretName: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(key, encryptionInfo), iv);
  cipher.setAAD(Buffer.from(secretName, "utf8"));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${envelopeVersion}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** The inverse of encryptCredentials (the browser's reveal does the same with WebCrypto). */
export function decryptCredentials(envelope: string, key: string, secretName: string): RootCredentials {
  if (!isWellFormedEnvelope(envelope)) throw new Error("not a credential envelope");
  const [, iv, body] = envelope.split(".");
  const bytes = Buffer.from(body, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", deriveKey(key, encryptionInfo), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(secretName, "utf8"));
  decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
  const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - tagBytes)), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as RootCredentials;
}

/** The Secrets Manager name of an account's deposited credentials. */
export function credentialSecretName(caseId: string, accountId: string): string {
  return `offboard/${caseId}/${accountId}/root`;
}
