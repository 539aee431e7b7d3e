import { FlowProducer, Queue, Worker } from "bullmq";
import Redis from "ioredis";
import { RedisAuditLog, verifyCaseAudit } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisKeys } from "../../adapters/redis/keys";
import { tagKeys } from "../../scripts/redis-tag-keys";
import { createCase, waitFor } from "../jobs/job-fixture";
import { testAuditKeys } from "../support/audit-keys";
import { testRedis, testRedisUrl } from "../support/redis";

const { redis, prefix, cleanup } = testRedis("tag-keys");
const keys = new RedisKeys(prefix);
const bullConnection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const closers: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  bullConnection.disconnect();
  await cleanup();
}, 30_000);

/** What an Offboard before hash tags named these keys. */
async function untag(tagged: string, old: string): Promise<void> {
  expect(await redis.rename(tagged, old)).toBe("OK");
}

it("renames an older version's keys to their tagged names, and the stores, the audit chain and BullMQ carry on", async () => {
  // A case, its thread, its audit trail and a demo message, as the older version stored them.
  const cases = new RedisCaseStore(redis, prefix);
  const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  const value = await createCase(cases, { accountIds: ["222222222222"] });
  const thread = { platform: "slack" as const, channelId: "C0CASES", threadId: "1700000000.000100" };
  await cases.bindLocation(thread, value.id);
  for (const action of ["case.created", "plan.ready", "case.approved"])
    await audit.append({ caseId: value.id, actor: "system", action });
  await untag(keys.case(value.id), `${prefix}case:${value.id}`);
  await untag(keys.caseAudit(value.id), `${prefix}audit:${value.id}`);
  await untag(keys.caseAuditHead(value.id), `${prefix}audit-head:${value.id}`);
  await untag(keys.location(thread), `${prefix}location:slack:C0CASES:1700000000.000100`);
  await redis.del(keys.auditIndex());
  await redis.set(`${prefix}demo:message:1`, "{}");
  await redis.set(`${prefix}aws-rate`, "1");
  expect(await cases.get(value.id)).toBeUndefined();

  // BullMQ under the old prefix: a run's flow (a parent waiting for two children in another queue) and a delayed job.
  const oldBull = `${prefix}bull`;
  const flows = new FlowProducer({ connection: bullConnection, prefix: oldBull });
  closers.push(() => flows.close());
  await flows.add({
    name: "run",
    queueName: "runs",
    data: { caseId: value.id },
    children: [
      { name: "account", queueName: "accounts", data: { accountId: "a" } },
      { name: "account", queueName: "accounts", data: { accountId: "b" } },
    ],
  });
  const oldAccounts = new Queue("accounts", { connection: bullConnection, prefix: oldBull });
  closers.push(() => oldAccounts.close());
  await oldAccounts.add("account", { accountId: "later" }, { delay: 1500 });

  const report = await tagKeys(redis, prefix);
  expect(report.conflicts).toEqual([]);
  expect(report.indexed).toBe(1);
  expect(await redis.exists(`${prefix}case:${value.id}`, `${prefix}demo:message:1`, `${prefix}aws-rate`)).toBe(0);
  expect((await redis.keys(`${oldBull}:*`)).length).toBe(0);

  // The stores find everything again.
  expect((await cases.get(value.id))?.id).toBe(value.id);
  expect(await cases.findByLocation(thread)).toBe(value.id);
  expect(await verifyCaseAudit(audit, value.id)).toEqual({ ok: true, count: 3 });
  expect((await audit.readGlobal(10)).map((e) => e.action)).toEqual(["case.created", "plan.ready", "case.approved"]);
  expect(await redis.get(`${keys.demoBase()}message:1`)).toBe("{}");

  // The jobs run under the new prefix: the children, the delayed one, and the parent once its children are done.
  const done: string[] = [];
  const accountsWorker = new Worker("accounts", async (job) => void done.push(job.data.accountId), {
    connection: bullConnection,
    prefix: keys.bull(),
  });
  const runsWorker = new Worker(
    "runs",
    async (job) => void done.push(`run:${Object.keys(await job.getChildrenValues()).length}`),
    {
      connection: bullConnection,
      prefix: keys.bull(),
    },
  );
  closers.push(
    () => accountsWorker.close(),
    () => runsWorker.close(),
  );
  await waitFor("every job", () => done.length === 4, 20_000);
  expect(done.slice(0, 2).sort()).toEqual(["a", "b"]);
  expect(done).toContain("later");
  expect(done).toContain("run:2");
  expect(done.indexOf("run:2")).toBeGreaterThan(Math.max(done.indexOf("a"), done.indexOf("b")));

  // A second run has nothing left to do.
  expect(await tagKeys(redis, prefix)).toEqual({ renamed: 0, conflicts: [], indexed: 0 });
}, 60_000);
