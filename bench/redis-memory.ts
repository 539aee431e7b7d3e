/**
 * Redis memory per case, including its audit trail: creates 1,000 cases the way the conversation
 * stores them (a full ticket, a plan, three sign-offs, ~30 audit events each) under a private prefix
 * and measures `INFO memory` before and after. Bounded: 1,000 cases, then the keys are deleted.
 */
import { randomBytes } from "node:crypto";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createRedis } from "../adapters/redis/connection";
import type { AccountState, Case } from "../src/case";
import { planHeaderOf, type Plan } from "../src/plan";
import type { BenchFigures } from "./run";
import { sampleCustomer, sampleTicket } from "./sample-case";
import { testAuditKeys } from "../test/support/audit-keys";
import { deleteKeysWithPrefix } from "../test/support/redis";

const caseCount = 1000;
const eventsPerCase = 30;

async function usedMemory(redis: ReturnType<typeof createRedis>): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

function sampleCase(id: string, now: string): { value: Case; accounts: Record<string, AccountState> } {
  const who = (userId: string, teamId: string) => ({ platform: "slack" as const, userId, teamId });
  const accounts = ["222222222222", "333333333333", "444444444444"];
  const plan: Plan = {
    version: 1,
    createdAt: now,
    organizationId: "o-partner0001",
    managementAccountId: "111111111111",
    removalBy: "partner",
    warnings: ["Payment method and phone verification cannot be checked by API: the customer confirms them."],
    accounts: accounts.map((accountId) => ({
      accountId,
      member: true,
      rootHandover: "credential_link",
      warnings: [],
      buckets: [
        { name: `config-bucket-${accountId}`, disposition: "archive" },
        { name: `ctlaudit-${accountId}`, disposition: "archive" },
      ],
      artifacts: [
        "CTL-Admin",
        "CTL-ReadOnly",
        "CTL-Billing",
        "CTL-CAM-Lifecycle",
        "CTL-SSO",
        "ctl-automation",
        "CTL-Operators",
        "OrganizationAccountAccessRole",
      ].map((name) => ({
        kind: "iam_role",
        name,
        arn: `arn:aws:iam::${accountId}:role/${name}`,
        action: "delete",
        reason: "carries the partner marker CTL",
      })),
    })),
  };
  const value: Case = {
    id,
    status: "awaiting_signoff",
    customerName: "Acme Corp",
    locations: [{ platform: "slack", channelId: "C0123456789", teamId: "T0PARTNER" }],
    caseMessage: { platform: "slack", channelId: "C0123456789", messageId: "1732621234.000100" },
    ticket: sampleTicket(accounts, now),
    accounts,
    members: { customer: [sampleCustomer], aws: [who("U0AWS00001", "T0AWS")] },
    plan: planHeaderOf(plan),
    signOffs: [],
    createdBy: who("U0PARTNER1", "T0PARTNER"),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  return { value, accounts: Object.fromEntries(plan.accounts.map((a) => [a.accountId, { plan: a }])) };
}

/** `count`: how many cases (the smoke test stores a few). */
export async function benchRedisMemory(count = caseCount): Promise<BenchFigures> {
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const prefix = `bench:memory:${randomBytes(4).toString("hex")}:`;
  const cases = new RedisCaseStore(redis, prefix);
  const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  try {
    const before = await usedMemory(redis);
    const now = new Date().toISOString();
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async () => {
          const id = await cases.allocateId(2026);
          const { value, accounts } = sampleCase(id, now);
          await cases.create(value, accounts);
          await cases.bindLocation({ platform: "slack", channelId: "C0123456789", threadId: `${id}.thread` }, id);
          for (let e = 0; e < eventsPerCase; e++) {
            await audit.append({
              caseId: id,
              actor: { platform: "slack", userId: "U0CUSTOMER1", teamId: "T0CUSTOMER" },
              party: "customer",
              action: e % 2 ? "ticket.answered" : "step.done",
              payload: { field: "goal", accountId: "222222222222", step: "revoke_iam" },
            });
          }
        }),
      );
    }
    const after = await usedMemory(redis);
    const perCase = (after - before) / count;
    return {
      cases: count,
      auditEventsPerCase: eventsPerCase,
      bytesPerCase: Math.round(perCase),
      kbPerCase: Number((perCase / 1024).toFixed(1)),
      goalKb: 64,
    };
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}

if (require.main === module) void benchRedisMemory().then((r) => console.log(r));
