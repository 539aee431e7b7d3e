import {
  credentialSecretName,
  decryptCredentials,
  encryptCredentials,
  hashToken,
  isWellFormedEnvelope,
  isWellFormedSecret,
  proofMatches,
  proofVerifier,
  randomSecret,
  revealProof,
} from "./credential-crypto";

const credentials = { email: "root@example.test", password: "sandbox-secret", mfaNotes: "none" };
const name = credentialSecretName("OFB-2026-0001", "111111111111");

describe("credential link cryptography", () => {
  it("mints 256-bit tokens and keys, different every time", () => {
    const a = randomSecret();
    const b = randomSecret();
    expect(isWellFormedSecret(a)).toBe(true);
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("round-trips credentials through the envelope under the same key and name", () => {
    const key = randomSecret();
    const envelope = encryptCredentials(credentials, key, name);
    expect(isWellFormedEnvelope(envelope)).toBe(true);
    expect(envelope).not.toContain("sandbox-secret");
    expect(decryptCredentials(envelope, key, name)).toEqual(credentials);
  });

  it("refuses to decrypt with another key or under another secret's name", () => {
    const key = randomSecret();
    const envelope = encryptCredentials(credentials, key, name);
    expect(() => decryptCredentials(envelope, randomSecret(), name)).toThrow();
    expect(() => decryptCredentials(envelope, key, credentialSecretName("OFB-2026-0001", "222222222222"))).toThrow();
  });

  it("accepts only the proof made with the link's key, and never against an unknown token", () => {
    const token = randomSecret();
    const key = randomSecret();
    const verifier = proofVerifier(revealProof(token, key));
    expect(proofMatches(revealProof(token, key), verifier)).toBe(true);
    expect(proofMatches(revealProof(token, randomSecret()), verifier)).toBe(false);
    expect(proofMatches(revealProof(randomSecret(), key), verifier)).toBe(false);
    expect(proofMatches(undefined, verifier)).toBe(false);
    expect(proofMatches({ proof: "x" }, verifier)).toBe(false);
    expect(proofMatches(revealProof(token, key), undefined)).toBe(false);
  });

  it("keeps only a hash of the token, and a verifier that is not the proof", () => {
    const token = randomSecret();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    const proof = revealProof(token, randomSecret());
    expect(proofVerifier(proof)).not.toContain(proof);
  });

  it("rejects malformed envelopes at the edge", () => {
    for (const bad of [
      "",
      "v1",
      "v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA",
      "v1.short.AAAAAAAAAAAAAAAAAAAAAAAA",
      "v1.AAAAAAAAAAAAAAAA.AAAA",
      "v1.AAAAAAAAAAAAAAAA.not base64!",
      42,
      null,
    ]) {
      expect(isWellFormedEnvelope(bad)).toBe(false);
    }
  });
});
