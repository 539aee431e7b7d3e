import { createHash } from "node:crypto";
import { auditKeyringFromEnv, developmentAuditKey, parseAuditKey, type AuditKey } from "./audit-key";

const hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

function keyOf(text: string): AuditKey {
  const parsed = parseAuditKey(text);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
}

describe("audit keys", () => {
  it("reads 64 hex digits, base64 of 32 bytes, or a text of at least 32 characters", () => {
    expect(keyOf(hex).secret).toEqual(Buffer.from(hex, "hex"));
    const bytes = Buffer.alloc(32, 0xab);
    expect(keyOf(bytes.toString("base64")).secret).toEqual(bytes);
    expect(keyOf(bytes.toString("base64url")).secret).toEqual(bytes);
    const phrase = "correct horse battery staple, twice over!";
    expect(keyOf(phrase).secret).toEqual(Buffer.from(phrase, "utf8"));
  });

  it("names a key by the first 8 hex digits of the SHA-256 of its bytes", () => {
    expect(keyOf(hex).id).toBe(createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex").slice(0, 8));
  });

  it("refuses a key shorter than 32 bytes and says how to make one", () => {
    for (const short of ["too short", Buffer.alloc(16).toString("base64")])
      expect(parseAuditKey(short)).toEqual({
        problem: expect.stringMatching(/at least 32 bytes.*openssl rand -hex 32/),
      });
  });

  it("refuses 32 hex digits (16 bytes) instead of taking them as a 32-character text", () => {
    expect(parseAuditKey("00112233445566778899aabbccddeeff")).toEqual({
      problem: expect.stringMatching(/looks like hex but has 32 digits.*openssl rand -hex 32/),
    });
  });

  it("requires OFFBOARD_AUDIT_KEY in production, refuses the development key there, and uses it elsewhere", () => {
    expect(auditKeyringFromEnv({ NODE_ENV: "production" }).problems).toEqual([
      expect.stringMatching(/^OFFBOARD_AUDIT_KEY: required when NODE_ENV=production/),
    ]);
    expect(
      auditKeyringFromEnv({
        NODE_ENV: "production",
        OFFBOARD_AUDIT_KEY: developmentAuditKey.secret.toString("utf8"),
      }).problems,
    ).toEqual([expect.stringMatching(/development key is refused/)]);
    expect(auditKeyringFromEnv({}).keyring?.current).toEqual(developmentAuditKey);
    expect(auditKeyringFromEnv({ NODE_ENV: "production", OFFBOARD_AUDIT_KEY: hex }).keyring?.current.id).toBe(
      keyOf(hex).id,
    );
  });

  it("reads previous keys, comma-separated, newest first, and names a bad one by position", () => {
    const older = Buffer.alloc(32, 1).toString("base64");
    const oldest = "an old passphrase of thirty-two characters";
    const { keyring } = auditKeyringFromEnv({
      OFFBOARD_AUDIT_KEY: hex,
      OFFBOARD_AUDIT_KEYS_PREVIOUS: `${older}, ${oldest}`,
    });
    expect(keyring?.previous.map((k) => k.id)).toEqual([keyOf(older).id, keyOf(oldest).id]);
    expect(
      auditKeyringFromEnv({ OFFBOARD_AUDIT_KEY: hex, OFFBOARD_AUDIT_KEYS_PREVIOUS: `${older},short` }).problems,
    ).toEqual([expect.stringMatching(/^OFFBOARD_AUDIT_KEYS_PREVIOUS: key 2 must be at least 32 bytes/)]);
  });
});
