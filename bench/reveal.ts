/**
 * Credential reveal latency: deposits 200 credential links through the real service (Redis stores, the
 * sandbox's Secrets Manager over the real SDK client), then times each Reveal POST through the real
 * router on a loopback express server: proof check, atomic consumption in Redis, GetSecretValue,
 * DeleteSecret, audit append, case update and channel line. Goal: p99 < 200 ms.
 * Bounded: 200 links, one sandbox, a private key prefix deleted afterwards.
 *
 * `npx tsx bench/reveal.ts` runs it alone.
 */
import express from "express";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SecretsManagerVault } from "../adapters/aws/secret-vault";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createRedis } from "../adapters/redis/connection";
import { RedisCredentialLinkStore } from "../adapters/redis/credential-link-store";
import { createCredentialRouter } from "../adapters/web/credential-router";
import {
  credentialSecretName,
  encryptCredentials,
  randomSecret,
  revealProof,
} from "../src/credentials/credential-crypto";
import { CredentialService } from "../src/credentials/credential-service";
import type { Case } from "../src/case";
import { parties, type Party } from "../src/party";
import { approvalHash } from "../src/signoff";
import { NotConfiguredError } from "../src/errors";
import type { ChatLocation, Identity, MessageRef } from "../src/identity";
import type { Message } from "../src/message";
import type { ChatPort } from "../src/ports";
import { sandboxCredentials, startSandbox } from "../sandbox";
import type { BenchFigures } from "./run";
import { testAuditKeys } from "../test/support/audit-keys";
import { deleteKeysWithPrefix } from "../test/support/redis";

const revealCount = 200;
const accountId = "111111111111";

/** A chat that keeps only the last link it was asked to send, as a person's inbox would. */
class InboxChat implements ChatPort {
  lastLink = "";
  capabilities() {
    return { sharedChannels: false, ephemeral: false, uploads: false, privateUploads: false };
  }
  async upload(): Promise<void> {
    throw new NotConfiguredError("the benchmark's inbox takes no files");
  }
  async createSharedChannel(): Promise<ChatLocation> {
    throw new NotConfiguredError("the benchmark's inbox creates no channels");
  }
  async post(where: ChatLocation): Promise<MessageRef> {
    return { platform: where.platform, channelId: where.channelId, messageId: "m" };
  }
  async update(): Promise<void> {}
  async ephemeral(): Promise<void> {}
  async direct(_to: Identity, body: Message): Promise<void> {
    const link = body.blocks.find((b) => b.type === "link");
    if (link?.type === "link") this.lastLink = link.url;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** `reveals`: how many cases, deposits and reveals (the smoke test runs a few). */
export async function benchReveal(reveals = revealCount): Promise<BenchFigures> {
  const prefix = `bench:reveal:${randomBytes(4).toString("hex")}:`;
  const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { name: "bench-reveal" });
  const sandbox = await startSandbox({ port: 0 });
  const endpointBefore = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = sandbox.url;
  const vault = new SecretsManagerVault({ region: "us-east-1", credentials: sandboxCredentials });
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cases = new RedisCaseStore(redis, prefix);
    const chat = new InboxChat();
    const service = new CredentialService({
      cases,
      audit: new RedisAuditLog(redis, prefix, testAuditKeys),
      chat,
      vault,
      links: new RedisCredentialLinkStore(redis, prefix),
      clock: { now: () => new Date() },
      expiry: { schedule: async () => {}, cancel: async () => {} },
      publicBaseUrl: baseUrl,
      linkTtlSeconds: 3600,
      revealLimits: { perIpPerMinute: 1_000_000, perTokenPerMinute: 1_000_000 },
    });
    app.use(createCredentialRouter(service));

    const partner: Identity = { platform: "web", userId: "U-partner" };
    const recipient: Identity = { platform: "web", userId: "U-customer", name: "Casey Customer" };
    const awsApprover: Identity = { platform: "web", userId: "U-aws", name: "Avery Aws" };
    const links: { token: string; key: string }[] = [];
    const depositMs: number[] = [];
    for (let i = 0; i < reveals; i++) {
      const now = new Date().toISOString();
      const id = `OFB-2026-${String(i + 1).padStart(4, "0")}`;
      const value: Case = {
        id,
        status: "approved",
        locations: [{ platform: "web", channelId: "C-bench" }],
        ticket: { answers: { credentialRecipients: [recipient] }, history: [], warnings: {} },
        accounts: [accountId],
        members: { customer: [recipient], aws: [awsApprover] },
        signOffs: [],
        createdBy: partner,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      // Credentials move only after three current sign-offs (the authority table): the case is signed as it stands.
      const hash = approvalHash(value);
      const by: Record<Party, Identity> = { customer: recipient, aws: awsApprover, partner };
      await cases.create({ ...value, signOffs: parties.map((party) => ({ party, by: by[party], at: now, hash })) });
      await service.requestDeposit(id, accountId, partner, { platform: "web", channelId: "C-bench" });
      const depositToken = new URL(chat.lastLink).pathname.slice(3);
      const key = randomSecret();
      const started = performance.now();
      await service.completeDeposit(depositToken, {
        ciphertext: encryptCredentials(
          { email: "root@bench.example", password: "sandbox-secret", mfaNotes: "" },
          key,
          credentialSecretName(id, accountId),
        ),
        key,
      });
      depositMs.push(performance.now() - started);
      const url = new URL(chat.lastLink);
      links.push({ token: url.pathname.slice(3), key: url.hash.slice(1) });
    }

    const revealMs: number[] = [];
    for (const { token, key } of links) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/r/${token}/reveal`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ proof: revealProof(token, key) }),
      });
      await response.text();
      revealMs.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`reveal answered ${response.status}, expected 200`);
    }
    revealMs.sort((a, b) => a - b);
    depositMs.sort((a, b) => a - b);
    return {
      reveals: revealMs.length,
      reveal_p50_ms: round(percentile(revealMs, 50)),
      reveal_p99_ms: round(percentile(revealMs, 99)),
      reveal_max_ms: round(revealMs[revealMs.length - 1]),
      deposit_p50_ms: round(percentile(depositMs, 50)),
      goal_p99_ms: 200,
      goal_met: percentile(revealMs, 99) < 200 ? "yes" : "no",
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    vault.close();
    await sandbox.close();
    if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = endpointBefore;
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}

if (require.main === module) {
  benchReveal().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
