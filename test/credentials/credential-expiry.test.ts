import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Worker } from "bullmq";
import Redis from "ioredis";
import { BullCredentialExpiryScheduler, startCredentialExpiryWorker } from "../../jobs/credential-expiry";
import { credentialSecretName, encryptCredentials, randomSecret } from "../../src/credentials/credential-crypto";
import type { CredentialExpiry } from "../../src/credentials/credential-expiry";
import { sandboxCredentials } from "../../sandbox";
import { testRedisUrl } from "../support/redis";
import {
  accountId,
  dumpRedis,
  lastDirectLink,
  partner,
  startHarness,
  testCredentials,
  type Harness,
} from "./credential-harness";
import { RedisKeys } from "../../adapters/redis/keys";

let h: Harness;
let scheduler: BullCredentialExpiryScheduler;
let worker: Worker<CredentialExpiry>;
const bullConnections: Redis[] = [];
let sm: SecretsManagerClient;

function bullConnection(): Redis {
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  bullConnections.push(connection);
  return connection;
}

beforeAll(async () => {
  h = await startHarness({
    label: "credential-expiry",
    linkTtlSeconds: 1,
    expiry: (_redis, prefix) => {
      scheduler = new BullCredentialExpiryScheduler({
        connection: bullConnection(),
        prefix: new RedisKeys(prefix).bull(),
      });
      return scheduler;
    },
  });
  worker = startCredentialExpiryWorker(h.service, {
    connection: bullConnection(),
    prefix: new RedisKeys(h.prefix).bull(),
  });
  sm = new SecretsManagerClient({ region: "us-east-1", credentials: sandboxCredentials });
});

afterAll(async () => {
  sm.destroy();
  await worker.close();
  await scheduler.close();
  for (const connection of bullConnections) connection.disconnect();
  await h.close();
});

async function secretGone(name: string): Promise<boolean> {
  try {
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    return false;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return true;
    throw error;
  }
}

describe("credential link expiry on BullMQ", () => {
  it("deletes the secret of an unopened link when its delayed job runs, and tells the channel", async () => {
    const c = await h.seedCase();
    await h.service.requestDeposit(c.id, accountId, partner, { platform: "web", channelId: "C-case" });
    const key = randomSecret();
    const name = credentialSecretName(c.id, accountId);
    const answer = await fetch(lastDirectLink(h.chat), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ciphertext: encryptCredentials(testCredentials, key, name), key }),
    });
    expect(answer.status).toBe(200);
    expect(await secretGone(name)).toBe(false);
    expect(await scheduler.queue.getDelayedCount()).toBe(1);

    const deadline = Date.now() + 15_000;
    while (!(await secretGone(name)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await secretGone(name)).toBe(true);
    // The job deletes first, records, then tells the channel last: wait for that.
    while (!h.chat.texts("post").some((t) => /expired unopened/.test(t)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.chat.texts("post").some((t) => /expired unopened/.test(t))).toBe(true);
    expect((await h.cases.get(c.id))?.credentials?.[accountId]?.state).toBe("expired");
    expect((await h.audit.read(c.id)).map((e) => e.action)).toContain("credentials.expired");
    // The queue's keys hold the token's hash at most: never the key or the plaintext.
    const stored = await dumpRedis(h.redis, h.prefix);
    expect(stored).toContain("offboard-credential-expiry");
    for (const secret of [key, testCredentials.password, testCredentials.email]) expect(stored).not.toContain(secret);
  });
});
