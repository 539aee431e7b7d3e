import type { Identity } from "../../src/identity";
import { newLinkCode, type LinkCode } from "../../src/link-code";
import { testAuditKeys } from "../../test/support/audit-keys";
import { testRedis } from "../../test/support/redis";
import { RedisKeys } from "./keys";
import { RedisLinkCodeStore } from "./link-code-store";

const partner: Identity = { platform: "slack", userId: "UPARTNER1", teamId: "TPARTNER", name: "Pat" };
const issuedAt = "2026-12-01T10:00:00.000Z";
const expiresAt = "2026-12-01T10:15:00.000Z";
const link: LinkCode = { caseId: "OFB-2026-0042", issuedBy: partner, issuedAt, expiresAt };

describe("RedisLinkCodeStore", () => {
  const { redis, prefix, cleanup } = testRedis("link-code-store");
  const store = new RedisLinkCodeStore(redis, prefix, testAuditKeys.current.secret);
  afterAll(cleanup);

  it("lets exactly one of many simultaneous uses win, and tells the others the code was used", async () => {
    const hash = store.hashOf(newLinkCode());
    await store.save(hash, link, 3600);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.use(hash, "2026-12-01T10:05:00.000Z")));
    expect(claims.filter((c) => c.ok)).toEqual([{ ok: true, link }]);
    expect(claims.filter((c) => !c.ok).map((c) => !c.ok && c.because)).toEqual(Array(19).fill("used"));
  });

  it("refuses a code at and after its end of life as expired, naming its case", async () => {
    const hash = store.hashOf(newLinkCode());
    await store.save(hash, link, 3600);
    expect(await store.use(hash, expiresAt)).toEqual({ ok: false, because: "expired", link });
    // Expired stays expired: a late use never marks it used.
    expect(await store.use(hash, "2026-12-01T11:00:00.000Z")).toEqual({ ok: false, because: "expired", link });
  });

  it("knows nothing of a code it never stored, and stores only the hash, never the code", async () => {
    const code = newLinkCode();
    expect(await store.use(store.hashOf(code), issuedAt)).toEqual({ ok: false, because: "unknown" });
    await store.save(store.hashOf(code), link, 3600);
    const key = new RedisKeys(prefix).linkCode(store.hashOf(code));
    expect(await redis.ttl(key)).toBeGreaterThan(3500);
    const stored = JSON.stringify(await redis.hgetall(key));
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(code.replace("-", ""));
  });
});
