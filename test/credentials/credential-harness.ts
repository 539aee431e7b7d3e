import type Redis from "ioredis";
import { SecretsManagerVault } from "../../adapters/aws/secret-vault";
import { createLogger, type Logger } from "../../adapters/log/logger";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisCredentialLinkStore } from "../../adapters/redis/credential-link-store";
import { createCredentialRouter } from "../../adapters/web/credential-router";
import { createHttpServer } from "../../adapters/web/http-server";
import type { Case } from "../../src/case";
import type { Clock } from "../../src/clock";
import type { CredentialExpiry, CredentialExpiryScheduler } from "../../src/credentials/credential-expiry";
import { CredentialService, type RevealLimits } from "../../src/credentials/credential-service";
import type { Identity } from "../../src/identity";
import { approvalHash } from "../../src/signoff";
import { startSandbox, sandboxCredentials, type Sandbox } from "../../sandbox";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { testAuditKeys } from "../support/audit-keys";

/** Obviously fake values the tests deposit, then look for everywhere they must not be. */
export const testCredentials = {
  email: "root+sandbox@customer.example",
  password: "sandbox-root-password-Zq9",
  mfaNotes: "sandbox MFA: virtual device removed",
};

export const partner: Identity = { platform: "web", userId: "U-partner", teamId: "T-partner", name: "Pat Partner" };
export const recipient: Identity = {
  platform: "web",
  userId: "U-customer",
  teamId: "T-customer",
  name: "Casey Customer",
};
export const awsApprover: Identity = { platform: "web", userId: "U-aws", teamId: "T-aws", name: "Avery AWS" };
export const accountId = "111111111111";

/** Keeps the schedule calls; `dueNow()` hands them to the service as the worker would. */
export class RecordingExpiryScheduler implements CredentialExpiryScheduler {
  readonly scheduled: { expiry: CredentialExpiry; at: Date }[] = [];
  readonly cancelled: string[] = [];

  async schedule(expiry: CredentialExpiry, at: Date): Promise<void> {
    this.scheduled.push({ expiry, at });
  }

  async cancel(tokenHash: string): Promise<void> {
    this.cancelled.push(tokenHash);
  }
}

/** A clock the test moves. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface HarnessOptions {
  label: string;
  linkTtlSeconds?: number;
  revealLimits?: RevealLimits;
  expiry?: (redis: Redis, prefix: string) => CredentialExpiryScheduler;
  clock?: Clock;
}

/**
 * The credential handover wired as in production, on loopback: real Redis (stores and audit), the
 * sandbox's Secrets Manager through the real SDK client (`AWS_ENDPOINT_URL`), the real router on a
 * fresh express app, a recording ChatPort, and a logger whose every line is kept.
 */
export interface Harness {
  /** The partner's ticks of "I changed the root e-mail", as the workflow would receive them. */
  rootEmailConfirmations: { caseId: string; accountId: string; by: Identity }[];
  redis: Redis;
  prefix: string;
  sandbox: Sandbox;
  vault: SecretsManagerVault;
  cases: RedisCaseStore;
  audit: RedisAuditLog;
  links: RedisCredentialLinkStore;
  chat: RecordingChat;
  expiry: CredentialExpiryScheduler;
  service: CredentialService;
  baseUrl: string;
  logLines: string[];
  logger: Logger;
  seedCase(overrides?: Partial<Case>): Promise<Case>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const { redis, prefix, cleanup } = testRedis(options.label);
  const sandbox = await startSandbox({ port: 0 });
  process.env.AWS_ENDPOINT_URL = sandbox.url;
  const vault = new SecretsManagerVault({ region: "us-east-1", credentials: sandboxCredentials, nameReuseDelayMs: 10 });
  const cases = new RedisCaseStore(redis, prefix);
  const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  const links = new RedisCredentialLinkStore(redis, prefix);
  const chat = new RecordingChat();
  const expiry = options.expiry?.(redis, prefix) ?? new RecordingExpiryScheduler();
  const logLines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => void logLines.push(line) });

  // The production HTTP shell (its request log included), on a fresh app bound to loopback.
  const http = createHttpServer({
    logger,
    readiness: async () => ({ redis: true, workers: true }),
    drainTimeoutMs: 1000,
  });
  const running = await http.listen(0, "127.0.0.1");
  const baseUrl = `http://127.0.0.1:${running.port}`;
  const rootEmailConfirmations: Harness["rootEmailConfirmations"] = [];
  const service = new CredentialService({
    cases,
    audit,
    chat,
    vault,
    links,
    expiry,
    clock: options.clock ?? { now: () => new Date() },
    publicBaseUrl: baseUrl,
    linkTtlSeconds: options.linkTtlSeconds ?? 86400,
    revealLimits: options.revealLimits,
    log: logger,
    rootEmails: {
      confirm: async (caseId, accountId, by) => void rootEmailConfirmations.push({ caseId, accountId, by }),
    },
  });
  http.app.use(createCredentialRouter(service, { logger }));

  let seq = 0;
  const seedCase = async (overrides: Partial<Case> = {}): Promise<Case> => {
    const now = new Date().toISOString();
    const id = `OFB-2026-${String(++seq).padStart(4, "0")}`;
    const value: Case = {
      id,
      status: "approved",
      locations: [{ platform: "web", channelId: "C-case" }],
      caseMessage: { platform: "web", channelId: "C-case", messageId: "case-message" },
      ticket: { answers: { credentialRecipients: [recipient] }, history: [], warnings: {} },
      accounts: [accountId],
      members: { customer: [recipient], aws: [awsApprover] },
      signOffs: [],
      createdBy: partner,
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...overrides,
    };
    // Approved means signed by the three parties, for exactly this ticket and plan.
    const hash = approvalHash(value);
    const signOffs = overrides.signOffs ?? [
      { party: "customer" as const, by: recipient, at: now, hash },
      { party: "aws" as const, by: awsApprover, at: now, hash },
      { party: "partner" as const, by: partner, at: now, hash },
    ];
    return cases.create({ ...value, signOffs });
  };

  const close = async (): Promise<void> => {
    await running.close();
    vault.close();
    await sandbox.close();
    await cleanup();
  };
  return {
    rootEmailConfirmations,
    redis,
    prefix,
    sandbox,
    vault,
    cases,
    audit,
    links,
    chat,
    expiry,
    service,
    baseUrl,
    logLines,
    logger,
    seedCase,
    close,
  };
}

/** The URL of the last link block sent by direct message. */
export function lastDirectLink(chat: RecordingChat): string {
  const block = chat.last("direct")?.body.blocks.find((b) => b.type === "link");
  if (!block || block.type !== "link") throw new Error("no link was sent by direct message");
  return block.url;
}

/** Every value stored under the prefix, as text: strings, hashes, lists, sets, sorted sets and streams. */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      parts.push(key);
      if (type === "string") parts.push((await redis.get(key)) ?? "");
      else if (type === "hash") parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === "list") parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === "set") parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === "zset") parts.push(JSON.stringify(await redis.zrange(key, "0", "-1", "WITHSCORES")));
      else if (type === "stream") parts.push(JSON.stringify(await redis.xrange(key, "-", "+")));
    }
  } while (cursor !== "0");
  return parts.join("\n");
}
