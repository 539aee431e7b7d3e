import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import Redis from "ioredis";
import { createLogger } from "../../adapters/log/logger";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import {
  credentialSecretName,
  decryptCredentials,
  encryptCredentials,
  randomSecret,
  revealProof,
} from "../../src/credentials/credential-crypto";
import { sandboxCredentials } from "../../sandbox";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { testRedisUrl } from "../support/redis";
import { directLinks, onThisBot } from "./credential-links";
import { dumpRedis } from "./redis-dump";
import { RedisKeys } from "../../adapters/redis/keys";

/**
 * A whole handoff with a credential deposit and reveal, then a search of everything Offboard keeps or
 * writes for the secret, its parts and the link's bearer values: every Redis key of every type (the
 * whole keyspace, not only this test's prefix), the audit trail, and every log line at trace level.
 *
 * The one place the links may be is the demo channel's record of the two direct messages that carry
 * them: that is the chat platform's own message store (Slack's or Teams' servers in production), and
 * the sweep checks it does hold them, so it is known to find what it looks for.
 */
const secret = {
  email: "root+sweep@customer.example",
  password: "Sweep-Secret-7f3a9c",
  mfaNotes: "sweep MFA device sandbox-serial-91c2",
};
const accounts = ["222222222222", "444444444444"];

let stack: FullStack;
let deps: ConversationDeps;
let redis: Redis;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = createLogger("trace", { write: (line: string) => void logLines.push(line) });
  stack = await startFullStack({}, { LOG_LEVEL: "trace" }, { logger });
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
  redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
}, 30_000);
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
}, 30_000);

describe("the secret sweep", () => {
  it("finds the secret, its key, its ciphertext and the link tokens nowhere in Redis, the audit trail or the log", async () => {
    let value = await stack.openPlannedCase(accounts.join(" "));
    await stack.approveAll(value);
    await stack.command(value, "run");
    value = await stack.waitFor((c) => c.status === "completed" || c.status === "failed", 60_000, "the run");
    expect(value.status).toBe("completed");

    // Deposit, as the page's script does: encrypted in the browser, posted as JSON with the key.
    await stack.command(value, `credentials ${accounts[0]}`);
    const [depositLink] = await directLinks(stack, people.partner.userId);
    const deposit = onThisBot(stack, depositLink.url);
    const key = randomSecret();
    const secretName = credentialSecretName(value.id, accounts[0]);
    const ciphertext = encryptCredentials(secret, key, secretName);
    expect((await fetch(deposit.url)).status).toBe(200);
    // A botched submission first: refused (and logged as such) with the key and the secret in its body.
    const botched = await fetch(deposit.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ciphertext: JSON.stringify(secret), key }),
    });
    expect(botched.status).toBe(400);
    expect(
      (
        await fetch(deposit.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ciphertext, key }),
        })
      ).status,
    ).toBe(200);

    // Secrets Manager holds the ciphertext and nothing readable.
    const sm = new SecretsManagerClient({
      region: "us-east-1",
      endpoint: stack.sandbox.url,
      credentials: sandboxCredentials,
    });
    try {
      const stored = (await sm.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString ?? "";
      expect(stored).toBe(ciphertext);
      for (const part of Object.values(secret)) expect(stored).not.toContain(part);
    } finally {
      sm.destroy();
    }

    // The recipient opens the link, a wrong proof is tried, the reveal wins, the link is opened again.
    const [retrievalLink] = await directLinks(stack, people.customer.userId);
    const retrieval = onThisBot(stack, retrievalLink.url);
    expect(retrieval.key).toBe(key);
    expect((await fetch(retrieval.url)).status).toBe(200);
    const reveal = (proof: string) =>
      fetch(`${retrieval.url}/reveal`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ proof }),
      });
    expect((await reveal(revealProof(retrieval.token, randomSecret()))).status).toBe(404);
    const revealed = await reveal(revealProof(retrieval.token, key));
    expect(revealed.status).toBe(200);
    const body = (await revealed.json()) as { ciphertext: string; secretName: string };
    expect(decryptCredentials(body.ciphertext, key, body.secretName)).toEqual(secret);
    expect((await fetch(retrieval.url)).status).toBe(410);
    await stack.command(value, "export");
    await stack.command(value, "status", people.customer);
    await stack.bot.conversation.workflow.flush();

    const needles: Record<string, string> = {
      "the password": secret.password,
      "the root e-mail": secret.email,
      "the MFA notes": secret.mfaNotes,
      "the fragment key": key,
      "the ciphertext": ciphertext,
      "the ciphertext's body": ciphertext.split(".")[2],
      "the retrieval token": retrieval.token,
      "the deposit token": deposit.token,
    };

    // The two direct messages that carry the links: the chat platform's store, allowed to hold them.
    const carriers = new Set(
      [depositLink.messageId, retrievalLink.messageId].map(
        (id) => `${new RedisKeys(stack.prefix).demoBase()}message:${id}`,
      ),
    );
    const keyspace = await dumpRedis(redis);
    expect(keyspace.size).toBeGreaterThan(10);
    for (const carrier of carriers) expect(keyspace.get(carrier)).toBeDefined();
    expect([...carriers].map((k) => keyspace.get(k)).join("\n")).toContain(retrieval.token);

    const ours = [...keyspace.keys()].filter((k) => k.startsWith(stack.prefix));
    expect(ours.some((k) => /audit/.test(k))).toBe(true);
    expect(ours.some((k) => k.startsWith(new RedisKeys(stack.prefix).bull()))).toBe(true);
    const audit = JSON.stringify([await deps.audit.read(value.id), await deps.audit.readGlobal(1000)]);
    expect(audit).toContain("credentials.retrieved");
    const log = logLines.join("");
    expect(logLines.length).toBeGreaterThan(8);
    expect(log).toContain("credential deposit refused");
    // The request log names the credential routes, with the token cut out.
    expect(log).toContain("/r/[redacted]");
    expect(log).toContain("/d/[redacted]");

    const found: string[] = [];
    for (const [what, needle] of Object.entries(needles)) {
      for (const [key, text] of keyspace)
        if (!carriers.has(key) && text.includes(needle)) found.push(`${what} in Redis key ${key}`);
      if (audit.includes(needle)) found.push(`${what} in the audit trail`);
      if (log.includes(needle)) found.push(`${what} in the log`);
    }
    expect(found).toEqual([]);
  }, 90_000);
});
