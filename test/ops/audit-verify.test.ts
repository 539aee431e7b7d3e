import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { auditKey, auditKeyring } from "../../src/audit/audit-key";
import type { Identity } from "../../src/identity";
import { verifyAuditCommand } from "../../scripts/audit-verify";
import { testRedis, testRedisUrl } from "../support/redis";
import { RedisKeys } from "../../adapters/redis/keys";

const customer: Identity = { platform: "slack", userId: "U0CUSTOMER", teamId: "T0CUSTOMER", name: "Casey" };
const keyHex = randomBytes(32).toString("hex");
const oldKeyHex = randomBytes(32).toString("hex");
const { redis, prefix, cleanup } = testRedis("audit-verify");
const env = { REDIS_URL: testRedisUrl, OFFBOARD_KEY_PREFIX: prefix, OFFBOARD_AUDIT_KEY: keyHex };
const log = new RedisAuditLog(redis, prefix, auditKeyring(auditKey(Buffer.from(keyHex, "hex"))));

afterAll(cleanup);

async function run(argv: string[], overrides: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await verifyAuditCommand(
    argv,
    { ...env, ...overrides },
    {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function caseWithSignOff(caseId: string): Promise<void> {
  await log.append({ caseId, actor: "system", action: "case.created" });
  await log.append({ caseId, actor: customer, party: "customer", action: "signoff.recorded", payload: { hash: "a" } });
  await log.append({ caseId, actor: "system", action: "case.approved" });
}

describe("npm run audit:verify", () => {
  it("exits 0 for an intact trail and says how many events under which keys", async () => {
    await caseWithSignOff("OFB-2026-0001");
    const { code, out } = await run(["OFB-2026-0001"]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /OFB-2026-0001: audit trail intact: 3 events, chain and head verified \(keys: [0-9a-f]{8} ×3\)/,
    );
  });

  it("exits 1 and names the event where the chain breaks when a sign-off was rewritten in Redis", async () => {
    await caseWithSignOff("OFB-2026-0002");
    const events = await log.read("OFB-2026-0002");
    const key = new RedisKeys(prefix).caseAudit("OFB-2026-0002");
    const entries = (await redis.xrange(key, "-", "+")) as [string, string[]][];
    await redis.del(key);
    for (const [id, flat] of entries) {
      const fields = flat.map((v) => (v === "slack:U0CUSTOMER@T0CUSTOMER" ? "slack:U0INTRUDER@T0PARTNER" : v));
      await redis.xadd(key, id, ...fields);
    }
    const { code, out } = await run(["OFB-2026-0002"]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN at event 2 of 3 (${events[1].id}, signoff.recorded`);
    expect(out).toMatch(/was edited.*\n {2}events 1–1 verify/);
  });

  it("exits 1 when events were cut off the end, and when the case has no trail", async () => {
    await caseWithSignOff("OFB-2026-0003");
    const events = await log.read("OFB-2026-0003");
    await redis.xdel(new RedisKeys(prefix).caseAudit("OFB-2026-0003"), events[2].id);
    expect(await run(["OFB-2026-0003"])).toMatchObject({
      code: 1,
      out: expect.stringMatching(/newest event\(s\) were deleted/),
    });
    expect(await run(["OFB-1999-0001"])).toMatchObject({ code: 1, out: expect.stringMatching(/no audit events/) });
  });

  it("verifies events written before a key rotation with OFFBOARD_AUDIT_KEYS_PREVIOUS, and names the key missing without it", async () => {
    const before = new RedisAuditLog(redis, prefix, auditKeyring(auditKey(Buffer.from(oldKeyHex, "hex"))));
    await before.append({ caseId: "OFB-2026-0004", actor: "system", action: "case.created" });
    await log.append({ caseId: "OFB-2026-0004", actor: "system", action: "case.approved" });
    expect(await run(["OFB-2026-0004"], { OFFBOARD_AUDIT_KEYS_PREVIOUS: oldKeyHex })).toMatchObject({ code: 0 });
    const without = await run(["OFB-2026-0004"]);
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/audit key [0-9a-f]{8}, which is neither OFFBOARD_AUDIT_KEY/);
  });

  it("exits 1 for every trail when verified with another key", async () => {
    const { code, out } = await run(["OFB-2026-0001"], { OFFBOARD_AUDIT_KEY: randomBytes(32).toString("hex") });
    expect(code).toBe(1);
    expect(out).toMatch(/BROKEN at event 1 of 3/);
  });

  it("exits 2 without a case id, with a bad key, and without a key in production", async () => {
    expect(await run([])).toMatchObject({ code: 2, err: expect.stringMatching(/Usage: npm run audit:verify/) });
    expect(await run(["a", "b"])).toMatchObject({ code: 2 });
    expect(await run(["OFB-2026-0001"], { OFFBOARD_AUDIT_KEY: "short" })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/OFFBOARD_AUDIT_KEY: must be at least 32 bytes/),
    });
    expect(await run(["OFB-2026-0001"], { OFFBOARD_AUDIT_KEY: "", NODE_ENV: "production" })).toMatchObject({
      code: 2,
      err: expect.stringMatching(/OFFBOARD_AUDIT_KEY: required when NODE_ENV=production/),
    });
  });

  it("runs as a command with the exit code as its status; exits 2 when Redis cannot be reached, without printing its password", async () => {
    const root = path.resolve(__dirname, "../..");
    const command = (overrides: Record<string, string>) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const proc = spawn(process.execPath, ["--require", "tsx/cjs", "scripts/audit-verify.ts", "OFB-2026-0002"], {
          cwd: root,
          env: { ...process.env, ...env, ...overrides },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        proc.on("exit", (status) => resolve({ status, stderr }));
      });
    const [broken, unreachable] = await Promise.all([
      command({}),
      command({ REDIS_URL: "redis://:hunter2-password@127.0.0.1:1" }),
    ]);
    expect(broken.status).toBe(1);
    expect(unreachable.status).toBe(2);
    expect(unreachable.stderr).toMatch(/could not read the audit trail from redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(unreachable.stderr).not.toContain("hunter2");
  });
});
