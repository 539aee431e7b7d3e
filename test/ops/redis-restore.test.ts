import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { answersPing, freeLoopbackPort } from "../../scripts/local-redis";
import { verifyAuditCommand } from "../../scripts/audit-verify";
import { auditKeyringFromEnv } from "../../src/audit/audit-key";
import type { Case } from "../../src/case";
import { startPrivateRedis, type PrivateRedis } from "../fault/private-redis";
import { createCase } from "../jobs/job-fixture";
import { RedisKeys } from "../../adapters/redis/keys";

/**
 * docs/operations.md's backup and restore of Redis, step by step: a Redis persisting to its AOF holds
 * cases with audit trails written under two audit keys (a rotation half-way); the AOF directory and an
 * RDB snapshot are copied as the runbook says; the server dies; each backup is restored into a fresh
 * `redis-server`, and every case comes back whole with its audit chain verified by `npm run audit:verify`.
 */
jest.setTimeout(60_000);

const prefix = "offboard:";
const oldKey = randomBytes(32).toString("hex");
const newKey = randomBytes(32).toString("hex");
/** The bot's settings before the rotation, and after it (the old key kept to verify older events). */
const beforeRotation = { OFFBOARD_AUDIT_KEY: oldKey };
const afterRotation = { OFFBOARD_AUDIT_KEY: newKey, OFFBOARD_AUDIT_KEYS_PREVIOUS: oldKey };

const keyringOf = (env: Record<string, string>) => auditKeyringFromEnv(env).keyring!;

/** A `redis-server` of this test's own on `dir`, started with `args`; stopped (SIGKILL) by `stop()`. */
interface RestoredRedis {
  url: string;
  redis: Redis;
  stop(): Promise<void>;
}

const started: (RestoredRedis | PrivateRedis)[] = [];
const dirs: string[] = [];

function freshDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `offboard-restore-${label}-`));
  dirs.push(dir);
  return dir;
}

async function startRedisOn(dir: string, args: string[]): Promise<RestoredRedis> {
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--loglevel", "warning", ...args],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${errors}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const server: RestoredRedis = {
    url,
    redis,
    stop: async () => {
      redis.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
  started.push(server);
  return server;
}

/** `INFO persistence` as a map. */
async function persistence(redis: Redis): Promise<Record<string, string>> {
  const info = await redis.info("persistence");
  return Object.fromEntries(
    info
      .split("\r\n")
      .filter((line) => line.includes(":"))
      .map((line) => line.split(":") as [string, string]),
  );
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `npm run audit:verify -- <case>` in this process: its exit code and what it printed. */
async function auditVerify(url: string, caseId: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await verifyAuditCommand(
    [caseId],
    { REDIS_URL: url, OFFBOARD_KEY_PREFIX: prefix, ...afterRotation },
    { out: (line) => lines.push(line), err: (line) => lines.push(line) },
  );
  return { code, output: lines.join("\n") };
}

/** Every case comes back as it was and every audit trail verifies. */
async function expectEverythingBack(url: string, redis: Redis, original: Case[], keys: number): Promise<void> {
  expect(await redis.dbsize()).toBe(keys);
  const cases = new RedisCaseStore(redis, prefix);
  expect((await cases.list()).sort()).toEqual(original.map((c) => c.id).sort());
  for (const value of original) {
    expect(await cases.get(value.id)).toEqual(value);
    const verdict = await auditVerify(url, value.id);
    expect(verdict.output).toMatch(/audit trail intact: 12 events, chain and head verified/);
    expect(verdict.code).toBe(0);
  }
}

let source: PrivateRedis;
let sourceRedis: Redis;
let original: Case[];
let keyCount: number;
const backups = { aof: "", rdb: "" };

beforeAll(async () => {
  // A Redis as production is asked to run it: AOF on, every write on disk before it is answered.
  source = await startPrivateRedis();
  started.push(source);
  sourceRedis = new Redis(source.url, { maxRetriesPerRequest: 1 });
  const cases = new RedisCaseStore(sourceRedis, prefix);
  const write = async (env: Record<string, string>, ids: string[], from: number) => {
    const audit = new RedisAuditLog(sourceRedis, prefix, keyringOf(env));
    for (const caseId of ids)
      for (let i = from; i < from + 6; i++)
        await audit.append({ caseId, actor: "system", action: `test.step_${i}`, payload: { i, caseId } });
  };
  const created: Case[] = [];
  for (let n = 0; n < 5; n++)
    created.push(
      await createCase(cases, {
        accountIds: [`22222222222${n}`],
        removalBy: "partner",
        destination: "standalone",
      }),
    );
  const ids = created.map((c) => c.id);
  // Half of each trail under the old key, the rest after the rotation under the new one.
  await write(beforeRotation, ids, 0);
  await write(afterRotation, ids, 6);
  original = await Promise.all(ids.map(async (id) => (await cases.get(id))!));
  keyCount = await sourceRedis.dbsize();

  // Backup 1, the AOF: no rewrite may run while the directory is copied.
  await sourceRedis.config("SET", "auto-aof-rewrite-percentage", "0");
  await until(
    "no AOF rewrite in progress",
    async () => (await persistence(sourceRedis)).aof_rewrite_in_progress === "0",
  );
  backups.aof = freshDir("aof-backup");
  cpSync(join(source.dir, "appendonlydir"), join(backups.aof, "appendonlydir"), { recursive: true });
  await sourceRedis.config("SET", "auto-aof-rewrite-percentage", "100");

  // Backup 2, an RDB snapshot: BGSAVE, wait for it, copy dump.rdb.
  const lastSave = await sourceRedis.lastsave();
  await sourceRedis.bgsave();
  await until("the snapshot", async () => {
    const state = await persistence(sourceRedis);
    return state.rdb_bgsave_in_progress === "0" && Number(state.rdb_last_save_time) > lastSave - 1;
  });
  expect((await persistence(sourceRedis)).rdb_last_bgsave_status).toBe("ok");
  backups.rdb = freshDir("rdb-backup");
  cpSync(join(source.dir, "dump.rdb"), join(backups.rdb, "dump.rdb"));

  // The disaster: the server and its disk are gone.
  sourceRedis.disconnect();
  await source.stop();
});

afterAll(async () => {
  if (sourceRedis && sourceRedis.status !== "end") sourceRedis.disconnect();
  for (const server of started) await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

it("restores the AOF directory into a fresh redis-server: every case back, every audit chain verified", async () => {
  const dir = freshDir("aof-restore");
  cpSync(join(backups.aof, "appendonlydir"), join(dir, "appendonlydir"), { recursive: true });
  const restored = await startRedisOn(dir, ["--appendonly", "yes", "--appendfsync", "always"]);
  await expectEverythingBack(restored.url, restored.redis, original, keyCount);
});

it("restores an RDB snapshot into a fresh redis-server, then turns the AOF on again", async () => {
  const dir = freshDir("rdb-restore");
  cpSync(join(backups.rdb, "dump.rdb"), join(dir, "dump.rdb"));
  // Started with the AOF off, Redis loads dump.rdb; turning the AOF on then writes it from the loaded data.
  const restored = await startRedisOn(dir, ["--appendonly", "no", "--dbfilename", "dump.rdb"]);
  await expectEverythingBack(restored.url, restored.redis, original, keyCount);
  await restored.redis.config("SET", "appendonly", "yes");
  await until("the AOF written", async () => {
    const state = await persistence(restored.redis);
    return state.aof_enabled === "1" && state.aof_rewrite_in_progress === "0" && state.aof_rewrite_scheduled === "0";
  });
  expect(existsSync(join(dir, "appendonlydir"))).toBe(true);
});

it("the verification after a restore catches a trail that lost an event", async () => {
  const dir = freshDir("tampered-restore");
  cpSync(join(backups.aof, "appendonlydir"), join(dir, "appendonlydir"), { recursive: true });
  const restored = await startRedisOn(dir, ["--appendonly", "yes"]);
  const victim = original[2].id;
  const entries = await restored.redis.xrange(new RedisKeys(prefix).caseAudit(victim), "-", "+");
  await restored.redis.xdel(new RedisKeys(prefix).caseAudit(victim), entries[4][0]);
  const verdict = await auditVerify(restored.url, victim);
  expect(verdict.code).toBe(1);
  expect((await auditVerify(restored.url, original[1].id)).code).toBe(0);
});
