import { createHash, randomBytes } from "node:crypto";
import { linkCodeHash, newLinkCode, readLinkCode } from "./link-code";

describe("link codes", () => {
  it("are 8 Crockford base32 characters as XXXX-XXXX, and differ", () => {
    const codes = Array.from({ length: 200 }, () => newLinkCode());
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("read as typed: case, dashes and spaces do not matter; O is 0, I and L are 1", () => {
    expect(readLinkCode("k7qx-3mpd")).toBe("K7QX-3MPD");
    expect(readLinkCode(" K7QX 3MPD ")).toBe("K7QX-3MPD");
    expect(readLinkCode("O1IL-0000")).toBe("0111-0000");
    const secret = randomBytes(32);
    expect(linkCodeHash(readLinkCode("k7qx3mpd")!, secret)).toBe(linkCodeHash("K7QX-3MPD", secret));
  });

  it("are hashed under the installation's secret: no hash without it, none equal to the plain SHA-256", () => {
    const code = newLinkCode();
    const [one, other] = [randomBytes(32), randomBytes(32)];
    expect(linkCodeHash(code, one)).toMatch(/^[0-9a-f]{64}$/);
    expect(linkCodeHash(code, one)).not.toBe(linkCodeHash(code, other));
    expect(linkCodeHash(code, one)).not.toBe(createHash("sha256").update(code).digest("hex"));
  });

  it("refuse anything else", () => {
    for (const typed of ["", "K7QX-3MP", "K7QX-3MPDX", "K7QX-3MP!", "UUUU-UUUU", "<@U1>-abcd"])
      expect(readLinkCode(typed)).toBeUndefined();
  });
});
