import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { randomBytes } from "node:crypto";
import {
  credentialSecretName,
  decryptCredentials,
  encryptCredentials,
  randomSecret,
  revealProof,
} from "../../src/credentials/credential-crypto";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import { sandboxCredentials } from "../../sandbox";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { baseUrl, directLinks, onThisBot, rawPost } from "./credential-links";

/**
 * The credential pages of the running product (`startOffboard`: the production HTTP shell and
 * router, Redis, the sandbox's Secrets Manager) against what a hostile page or a guesser can send:
 * cross-site form posts (the content types a browser sends without a CORS preflight), reveals without
 * the fragment's proof, and token guessing. None of them may deposit, consume or reveal anything.
 */
let stack: FullStack;
let deps: ConversationDeps;
let sm: SecretsManagerClient;
const account = "222222222222";
const credentials = {
  email: "root+attack@customer.example",
  password: "sandbox-attack-password-3b1e",
  mfaNotes: "sandbox MFA: none",
};

beforeAll(async () => {
  stack = await startFullStack({});
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
  sm = new SecretsManagerClient({ region: "us-east-1", endpoint: stack.sandbox.url, credentials: sandboxCredentials });
}, 30_000);
afterAll(async () => {
  sm?.destroy();
  await stack?.stop();
}, 30_000);

async function secretExists(name: string): Promise<boolean> {
  try {
    await sm.send(new GetSecretValueCommand({ SecretId: name }));
    return true;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return false;
    throw error;
  }
}

const actions = async (caseId: string): Promise<string[]> => (await deps.audit.read(caseId)).map((e) => e.action);
const evilOrigin = { origin: "https://evil.example", referer: "https://evil.example/page" };

/** What a cross-site page can post without a CORS preflight: form-encoded, multipart, text/plain (JSON inside). */
function crossSiteBodies(fields: Record<string, string>): { type: string; body: string }[] {
  const boundary = `----evil${randomBytes(4).toString("hex")}`;
  return [
    { type: "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() },
    {
      type: `multipart/form-data; boundary=${boundary}`,
      body:
        Object.entries(fields)
          .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join("") + `--${boundary}--\r\n`,
    },
    { type: "text/plain", body: JSON.stringify(fields) },
    { type: "text/plain;charset=UTF-8", body: JSON.stringify(fields) },
  ];
}

describe("credential links under attack, through the running product", () => {
  let caseId: string;
  let deposit: { url: string; token: string };
  let retrieval: { url: string; token: string; key: string };

  beforeAll(async () => {
    const value = await stack.openPlannedCase(account);
    caseId = value.id;
    // Root credentials move only after the three sign-offs.
    await stack.approveAll(value);
    await stack.command(value, `credentials ${account}`);
    const links = await directLinks(stack, people.partner.userId);
    expect(links).toHaveLength(1);
    deposit = onThisBot(stack, links[0].url);
    expect(deposit.url).toMatch(/\/d\/[A-Za-z0-9_-]{43}$/);
  }, 60_000);

  it("refuses a cross-site form post to the deposit link and keeps the link usable, the vault empty and the audit trail silent", async () => {
    const key = randomSecret();
    const ciphertext = encryptCredentials(credentials, key, credentialSecretName(caseId, account));
    for (const { type, body } of crossSiteBodies({ ciphertext, key })) {
      const answer = await rawPost(deposit.url, body, { "content-type": type, ...evilOrigin });
      expect(`${type} → ${answer.status}`).toMatch(/→ 4\d\d$/);
      expect(answer.body).not.toContain(ciphertext);
    }
    expect((await fetch(deposit.url)).status).toBe(200);
    expect(await secretExists(credentialSecretName(caseId, account))).toBe(false);
    expect((await stack.caseOf()).credentials?.[account]?.state).toBe("deposit_sent");
    expect(await actions(caseId)).not.toContain("credentials.deposited");
  });

  it("deposits from the page's own JSON post, once, and sends the retrieval link to the recipient only", async () => {
    const key = randomSecret();
    const ciphertext = encryptCredentials(credentials, key, credentialSecretName(caseId, account));
    const answer = await fetch(deposit.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ciphertext, key }),
    });
    expect(answer.status).toBe(200);
    expect(
      (
        await fetch(deposit.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ciphertext, key }),
        })
      ).status,
    ).toBe(404);
    const links = await directLinks(stack, people.customer.userId);
    expect(links).toHaveLength(1);
    retrieval = onThisBot(stack, links[0].url);
    expect(retrieval.key).toBe(key);
    expect(await directLinks(stack, people.aws.userId)).toEqual([]);
  });

  it("consumes nothing on reveals without the JSON content type, without the proof, or with a malformed one", async () => {
    const proof = revealProof(retrieval.token, retrieval.key);
    const revealUrl = `${retrieval.url}/reveal`;
    // Even the right proof does not count when a cross-site form carries it. 4 attempts.
    for (const { type, body } of crossSiteBodies({ proof })) {
      const answer = await rawPost(revealUrl, body, { "content-type": type, ...evilOrigin });
      expect(`${type} → ${answer.status}`).toBe(`${type} → 404`);
      expect(answer.body).not.toContain("ciphertext");
    }
    // JSON without a usable proof. 5 attempts: 9 on this token so far, under the 10 a minute allowed.
    for (const body of [{}, { proof: null }, { proof: 12345 }, { proof: [proof] }, { proof: { proof } }]) {
      const answer = await rawPost(revealUrl, JSON.stringify(body), { "content-type": "application/json" });
      expect(`${JSON.stringify(body).slice(0, 30)} → ${answer.status}`).toMatch(/→ 404$/);
    }
    expect((await fetch(retrieval.url)).status).toBe(200);
    expect(await secretExists(credentialSecretName(caseId, account))).toBe(true);
    expect((await stack.caseOf()).credentials?.[account]?.state).toBe("link_sent");
    expect(await actions(caseId)).not.toContain("credentials.retrieved");

    // The recipient's own reveal still works, once.
    const answer = await fetch(revealUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ proof }),
    });
    expect(answer.status).toBe(200);
    const { ciphertext, secretName } = (await answer.json()) as { ciphertext: string; secretName: string };
    expect(decryptCredentials(ciphertext, retrieval.key, secretName)).toEqual(credentials);
    expect(await secretExists(credentialSecretName(caseId, account))).toBe(false);
    expect((await fetch(retrieval.url)).status).toBe(410);
  });

  it("answers 429 to a client guessing tokens once it passes the per-IP limit, whatever X-Forwarded-For says, and not to other clients", async () => {
    // Another loopback address: a client of its own, as the server sees it (no proxy is trusted).
    const guesser = "127.0.0.3";
    const perIpPerMinute = 30;
    const statuses: number[] = [];
    for (let i = 0; i < perIpPerMinute + 5; i++) {
      const answer = await rawPost(
        `${baseUrl(stack)}/r/${randomSecret()}/reveal`,
        JSON.stringify({ proof: randomSecret() }),
        {
          "content-type": "application/json",
          "x-forwarded-for": `203.0.113.${i}`,
        },
        guesser,
      );
      statuses.push(answer.status);
      if (answer.status === 429) expect(answer.headers["retry-after"]).toBe("60");
    }
    expect(statuses.slice(0, perIpPerMinute)).toEqual(Array(perIpPerMinute).fill(404));
    expect(statuses.slice(perIpPerMinute)).toEqual(Array(5).fill(429));
    // Someone else is not locked out by the guesser.
    const other = await rawPost(
      `${baseUrl(stack)}/r/${randomSecret()}/reveal`,
      JSON.stringify({ proof: "x" }),
      { "content-type": "application/json" },
      "127.0.0.4",
    );
    expect(other.status).toBe(404);
  });
});
