import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  credentialSecretName,
  decryptCredentials,
  encryptCredentials,
  hashToken as hashOf,
  randomSecret,
  revealProof,
} from "../../src/credentials/credential-crypto";
import { CredentialRequestRefusedError } from "../../src/credentials/credential-errors";
import { sandboxCredentials } from "../../sandbox";
import {
  accountId,
  dumpRedis,
  lastDirectLink,
  partner,
  recipient,
  startHarness,
  testCredentials,
  type Harness,
  type RecordingExpiryScheduler,
} from "./credential-harness";

const where = { platform: "web" as const, channelId: "C-case", threadId: "case-message" };
let h: Harness;
let sm: SecretsManagerClient;

beforeAll(async () => {
  h = await startHarness({
    label: "credential-handover",
    revealLimits: { perIpPerMinute: 10_000, perTokenPerMinute: 10_000 },
  });
  sm = new SecretsManagerClient({ region: "us-east-1", credentials: sandboxCredentials });
});
afterAll(async () => {
  sm.destroy();
  await h.close();
});
beforeEach(() => h.chat.clear());

/** Asks for a deposit link and returns it. */
async function requestDepositLink(caseId: string): Promise<string> {
  await h.service.requestDeposit(caseId, accountId, partner, where);
  return lastDirectLink(h.chat);
}

/** Deposits through the HTTP form endpoint as the page's script does; returns the recipient's link. */
async function depositViaForm(
  caseId: string,
  credentials = testCredentials,
): Promise<{ token: string; key: string; link: string }> {
  const depositUrl = await requestDepositLink(caseId);
  const key = randomSecret();
  const response = await post(depositUrl, {
    ciphertext: encryptCredentials(credentials, key, credentialSecretName(caseId, accountId)),
    key,
  });
  expect(response.status).toBe(200);
  const link = lastDirectLink(h.chat);
  const url = new URL(link);
  return { token: url.pathname.slice("/r/".length), key: url.hash.slice(1), link };
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "credential-test/1.0" },
    body: JSON.stringify(body),
  });
}

function reveal(token: string, proof: unknown): Promise<Response> {
  return post(`${h.baseUrl}/r/${token}/reveal`, { proof });
}

async function secretValue(name: string): Promise<string | "ResourceNotFoundException"> {
  try {
    return (await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? "";
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return "ResourceNotFoundException";
    throw error;
  }
}

describe("deposit", () => {
  it("sends the deposit link to the partner approver by direct message, and only says so in the channel", async () => {
    const c = await h.seedCase();
    const link = await requestDepositLink(c.id);
    expect(link).toMatch(new RegExp(`^${h.baseUrl}/d/[A-Za-z0-9_-]{43}$`));
    expect(h.chat.last("direct")?.to).toEqual(partner);
    const channel = h.chat.sent.filter((s) => s.kind === "post");
    expect(channel).toHaveLength(1);
    expect(channel[0].where).toEqual({ platform: "web", channelId: "C-case", threadId: "case-message" });
    expect(JSON.stringify(channel)).not.toContain("/d/");
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({ state: "deposit_sent" });
    expect((await h.audit.read(c.id)).map((e) => e.action)).toEqual(["credentials.deposit_link_sent"]);
  });

  it("refuses an account outside the case, a case without recipients, and a second deposit while a link is live", async () => {
    const c = await h.seedCase();
    await expect(h.service.requestDeposit(c.id, "999999999999", partner, where)).rejects.toThrow(
      /account 999999999999 is not part of case/,
    );
    const noRecipients = await h.seedCase({ ticket: { answers: {}, history: [], warnings: {} } });
    await expect(h.service.requestDeposit(noRecipients.id, accountId, partner, where)).rejects.toThrow(
      /names no root-credential recipient.*edit credentialRecipients/,
    );
    await depositViaForm(c.id);
    const refusal = h.service.requestDeposit(c.id, accountId, partner, where);
    await expect(refusal).rejects.toBeInstanceOf(CredentialRequestRefusedError);
    await expect(refusal).rejects.toThrow(
      /retrieval link for account 111111111111 was sent to Casey Customer and is valid until/,
    );
  });

  it("shows the form on GET as often as asked, without using the link up", async () => {
    const c = await h.seedCase();
    const link = await requestDepositLink(c.id);
    for (let i = 0; i < 3; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(c.id);
      expect(html).toContain(accountId);
      expect(html).toContain('id="deposit-form"');
    }
  });

  it("makes an earlier deposit link stop working when a new one is issued", async () => {
    const c = await h.seedCase();
    const first = await requestDepositLink(c.id);
    const second = await requestDepositLink(c.id);
    expect((await fetch(first)).status).toBe(404);
    expect((await fetch(second)).status).toBe(200);
  });

  it("stores only ciphertext, tagged, under offboard/<case>/<account>/root, and accepts the form once", async () => {
    const c = await h.seedCase();
    const depositUrl = await requestDepositLink(c.id);
    const key = randomSecret();
    const name = credentialSecretName(c.id, accountId);
    const ciphertext = encryptCredentials(testCredentials, key, name);
    const answer = await post(depositUrl, { ciphertext, key });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ caseId: c.id, accountId, recipients: ["Casey Customer"] });
    expect(await secretValue(name)).toBe(ciphertext);
    const described = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    const tags = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ "offboard:case": c.id, "offboard:account": accountId });
    expect(Date.parse(tags["offboard:expires-at"] ?? "")).toBeGreaterThan(Date.now() + 86_000_000);

    expect((await post(depositUrl, { ciphertext, key })).status).toBe(404);
  });

  it("sends the retrieval link with its key to each recipient by direct message, and tells the channel to whom and until when", async () => {
    const c = await h.seedCase();
    const { link } = await depositViaForm(c.id);
    expect(link).toMatch(new RegExp(`^${h.baseUrl}/r/[A-Za-z0-9_-]{43}#[A-Za-z0-9_-]{43}$`));
    expect(h.chat.last("direct")?.to).toEqual(recipient);
    const line = h.chat.last("post");
    expect(line?.body.text).toMatch(
      /sent by direct message to <@U-customer(\|[^>]*)?>, valid until ⟦date:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ⟧/,
    );
    expect(JSON.stringify(h.chat.sent.filter((s) => s.kind !== "direct"))).not.toContain("/r/");
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({
      state: "link_sent",
      recipients: ["Casey Customer"],
    });
    expect((await h.audit.read(c.id)).map((e) => e.action)).toEqual([
      "credentials.deposit_link_sent",
      "credentials.deposited",
      "credentials.link_sent",
    ]);
    const scheduled = (h.expiry as RecordingExpiryScheduler).scheduled.at(-1);
    expect(scheduled?.expiry.caseId).toBe(c.id);
    expect(Math.abs((scheduled?.at.getTime() ?? 0) - (Date.now() + 86_400_000))).toBeLessThan(10_000);
  });

  it("passes the partner's tick of a changed root e-mail on to the case, and nothing without it", async () => {
    const value = await h.seedCase();
    const plain = await requestDepositLink(value.id);
    const key = randomSecret();
    const envelope = encryptCredentials(testCredentials, key, credentialSecretName(value.id, accountId));
    expect((await post(plain, { ciphertext: envelope, key })).status).toBe(200);
    expect(h.rootEmailConfirmations.filter((c) => c.caseId === value.id)).toEqual([]);

    const other = await h.seedCase();
    const ticked = await requestDepositLink(other.id);
    const otherKey = randomSecret();
    const otherEnvelope = encryptCredentials(testCredentials, otherKey, credentialSecretName(other.id, accountId));
    const answer = await post(ticked, { ciphertext: otherEnvelope, key: otherKey, rootEmailChanged: true });
    expect(answer.status).toBe(200);
    expect(h.rootEmailConfirmations.filter((c) => c.caseId === other.id)).toEqual([
      { caseId: other.id, accountId, by: expect.objectContaining({ userId: partner.userId }) },
    ]);
  });

  it("answers an unreadable submission with a reason and keeps the deposit link usable", async () => {
    const c = await h.seedCase();
    const depositUrl = await requestDepositLink(c.id);
    const bad = await post(depositUrl, { ciphertext: "plain text password", key: "short" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/reload the deposit page/);
    expect((await fetch(depositUrl)).status).toBe(200);
  });
  it("gives the deposit link back when Secrets Manager refuses, so the partner can submit again", async () => {
    const c = await h.seedCase();
    const depositUrl = await requestDepositLink(c.id);
    const key = randomSecret();
    const body = { ciphertext: encryptCredentials(testCredentials, key, credentialSecretName(c.id, accountId)), key };
    h.sandbox.setFaults({ throttleRate: 1 });
    try {
      const refused = await post(depositUrl, body);
      expect(refused.status).toBe(502);
      expect((await refused.json()).message).toMatch(/CreateSecret/);
    } finally {
      h.sandbox.setFaults({ throttleRate: 0 });
    }
    expect(h.chat.sent.filter((s) => s.kind === "direct" && s.to?.userId === recipient.userId)).toHaveLength(0);
    expect((await post(depositUrl, body)).status).toBe(200);
    expect(h.chat.last("direct")?.to).toEqual(recipient);
  });

  it("sends the deposit link ephemerally when a direct message fails, and names recipients the retrieval link could not reach", async () => {
    const c = await h.seedCase({
      ticket: {
        answers: {
          credentialRecipients: [recipient, { platform: "web", userId: "U-unreachable", name: "Una Reachable" }],
        },
        history: [],
        warnings: {},
      },
    });
    const direct = h.chat.direct.bind(h.chat);
    h.chat.direct = async (to, message) => {
      if (to.userId !== recipient.userId) throw new Error("cannot open a direct conversation");
      return direct(to, message);
    };
    try {
      await h.service.requestDeposit(c.id, accountId, partner, where);
      const ephemeral = h.chat.last("ephemeral");
      expect(ephemeral?.to).toEqual(partner);
      expect(ephemeral?.where).toEqual(where);
      const depositUrl = (ephemeral?.body.blocks.find((b) => b.type === "link") as { url: string }).url;
      const key = randomSecret();
      expect(
        (
          await post(depositUrl, {
            ciphertext: encryptCredentials(testCredentials, key, credentialSecretName(c.id, accountId)),
            key,
          })
        ).status,
      ).toBe(200);
    } finally {
      h.chat.direct = direct;
    }
    expect(h.chat.last("direct")?.to).toEqual(recipient);
    expect(h.chat.last("post")?.body.text).toMatch(/Could not send it to <@U-unreachable(\|[^>]*)?>/);
  });
});

describe("retrieval", () => {
  it("shows case, account and expiry on GET with the strict headers, and consumes nothing", async () => {
    const c = await h.seedCase();
    const { token } = await depositViaForm(c.id);
    for (let i = 0; i < 3; i++) {
      const page = await fetch(`${h.baseUrl}/r/${token}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(c.id);
      expect(html).toContain(accountId);
      expect(html).toMatch(/Link valid until.*UTC/);
      expect(html).not.toMatch(/<script>|<style>| on\w+=/);
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(page.headers.get("x-robots-tag")).toMatch(/noindex/);
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    }
    expect((await h.links.getRetrieval(hashOf(token)))?.state).toBe("open");
    expect(await secretValue(credentialSecretName(c.id, accountId))).toMatch(/^v1\./);
  });

  it("answers a reveal without the fragment's proof, with a wrong one, or for an unknown token alike, and consumes nothing", async () => {
    const c = await h.seedCase();
    const { token } = await depositViaForm(c.id);
    const answers = await Promise.all([
      reveal(token, undefined),
      reveal(token, "not-a-proof"),
      reveal(token, revealProof(token, randomSecret())),
      reveal(randomSecret(), revealProof(token, randomSecret())),
      post(`${h.baseUrl}/r/${token}/reveal`, {}),
    ]);
    const bodies = await Promise.all(answers.map((a) => a.text()));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(bodies).size).toBe(1);
    expect((await h.links.getRetrieval(hashOf(token)))?.state).toBe("open");
    expect(await secretValue(credentialSecretName(c.id, accountId))).toMatch(/^v1\./);
    expect((await h.audit.read(c.id)).map((e) => e.action)).not.toContain("credentials.retrieved");
  });

  it("gives the ciphertext to exactly one of 50 concurrent reveals, deletes the secret and records the retrieval", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    const proof = revealProof(token, key);
    const answers = await Promise.all(Array.from({ length: 50 }, () => reveal(token, proof)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 410)).toHaveLength(49);
    const winner = answers[statuses.indexOf(200)];
    const { ciphertext, secretName } = (await winner.json()) as { ciphertext: string; secretName: string };
    expect(decryptCredentials(ciphertext, key, secretName)).toEqual(testCredentials);
    await Promise.all(answers.filter((a) => a !== winner).map((a) => a.text()));

    expect(await secretValue(credentialSecretName(c.id, accountId))).toBe("ResourceNotFoundException");
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({ state: "retrieved" });
    const retrieved = (await h.audit.read(c.id)).filter((e) => e.action === "credentials.retrieved");
    expect(retrieved).toHaveLength(1);
    expect(retrieved[0].payload).toMatchObject({
      accountId,
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: "credential-test/1.0",
      secretDeleted: true,
    });
    expect(h.chat.texts("post").filter((t) => /were retrieved on/.test(t))).toHaveLength(1);
    expect((h.expiry as RecordingExpiryScheduler).cancelled).toContain(hashOf(token));
  });

  it("shows 'already retrieved' on a second visit and alerts the channel once", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    expect((await reveal(token, revealProof(token, key))).status).toBe(200);
    h.chat.clear();
    for (let i = 0; i < 2; i++) {
      const page = await fetch(`${h.baseUrl}/r/${token}`);
      expect(page.status).toBe(410);
      expect(await page.text()).toMatch(/already retrieved on \d{4}-\d\d-\d\d/);
    }
    const alerts = h.chat.sent.filter((s) => s.kind === "post");
    expect(alerts).toHaveLength(1);
    expect(alerts[0].body.text).toMatch(/already used on .* was opened again/);
    expect((await h.audit.read(c.id)).filter((e) => e.action === "credentials.revisited")).toHaveLength(1);
  });

  it("expires an unopened link: deletes the secret, tells the channel, and lets the partner deposit again", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    const scheduled = (h.expiry as RecordingExpiryScheduler).scheduled.at(-1)!;
    h.chat.clear();
    expect(await h.service.expire(scheduled.expiry)).toBe("expired");
    expect(await h.service.expire(scheduled.expiry)).toBe("skipped");
    expect(await secretValue(credentialSecretName(c.id, accountId))).toBe("ResourceNotFoundException");
    expect(h.chat.texts("post")).toEqual([expect.stringMatching(/expired unopened .* `credentials 111111111111`/)]);
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({ state: "expired" });
    expect((await reveal(token, revealProof(token, key))).status).toBe(404);
    await expect(requestDepositLink(c.id)).resolves.toMatch(/\/d\//);
  });

  it("does nothing when the expiry of a retrieved link comes due", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    const scheduled = (h.expiry as RecordingExpiryScheduler).scheduled.at(-1)!;
    expect((await reveal(token, revealProof(token, key))).status).toBe(200);
    h.chat.clear();
    expect(await h.service.expire(scheduled.expiry)).toBe("skipped");
    expect(h.chat.sent).toHaveLength(0);
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({ state: "retrieved" });
  });

  it("leaves no plaintext, key or token in Redis, the audit trail, the channel or the log", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    await fetch(`${h.baseUrl}/r/${token}`);
    await reveal(token, "wrong");
    expect((await reveal(token, revealProof(token, key))).status).toBe(200);
    await fetch(`${h.baseUrl}/r/${token}`);
    h.logger.info({ url: `${h.baseUrl}/r/${token}#${key}` }, "a careless log line");
    h.logger.flush();

    const everything = [
      await dumpRedis(h.redis, h.prefix),
      JSON.stringify(await h.audit.read(c.id)),
      JSON.stringify(h.chat.sent.filter((s) => s.kind !== "direct")),
      h.logLines.join("\n"),
    ].join("\n");
    expect(everything).toContain(c.id);
    expect(everything).toContain("a careless log line");
    expect(everything).toContain("/r/[redacted]");
    for (const secret of [testCredentials.email, testCredentials.password, testCredentials.mfaNotes, key, token])
      expect(everything).not.toContain(secret);
  });
});

describe("a Secrets Manager failure during Reveal", () => {
  /** More throttled reads than the SDK's retries (3 attempts) absorb: the read fails. */
  const failReads = () => h.sandbox.setFaults({ throttleNext: { "secretsmanager:GetSecretValue": 3 } });
  afterEach(() => h.sandbox.setFaults({ throttleNext: { "secretsmanager:GetSecretValue": 0 } }));

  it("answers 503 with Retry-After, leaves the link usable and alarms no one; the next Reveal works", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    const name = credentialSecretName(c.id, accountId);
    h.chat.clear();
    failReads();
    const failed = await reveal(token, revealProof(token, key));
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("60");
    expect(((await failed.json()) as { message: string }).message).toMatch(/nothing was used up.*try again/i);

    expect((await h.links.getRetrieval(hashOf(token)))?.state).toBe("open");
    expect((await fetch(`${h.baseUrl}/r/${token}`)).status).toBe(200);
    expect(h.chat.sent).toHaveLength(0);
    const actions = (await h.audit.read(c.id)).map((e) => e.action);
    for (const alarm of ["credentials.revisited", "credentials.retrieved", "credentials.lost"])
      expect(actions).not.toContain(alarm);
    expect(await secretValue(name)).toMatch(/^v1\./);

    const answer = await reveal(token, revealProof(token, key));
    expect(answer.status).toBe(200);
    const { ciphertext } = (await answer.json()) as { ciphertext: string };
    expect(decryptCredentials(ciphertext, key, name)).toEqual(testCredentials);
    expect(await secretValue(name)).toBe("ResourceNotFoundException");
    expect(h.chat.texts("post").filter((t) => /opened again/.test(t))).toHaveLength(0);
  });

  it("still lets the expiry delete the secret when nobody reveals after the failure", async () => {
    const c = await h.seedCase();
    const { token, key } = await depositViaForm(c.id);
    const scheduled = (h.expiry as RecordingExpiryScheduler).scheduled.at(-1)!;
    failReads();
    expect((await reveal(token, revealProof(token, key))).status).toBe(503);
    h.sandbox.setFaults({ throttleNext: { "secretsmanager:GetSecretValue": 0 } });
    h.chat.clear();

    expect(await h.service.expire(scheduled.expiry)).toBe("expired");
    expect(await secretValue(credentialSecretName(c.id, accountId))).toBe("ResourceNotFoundException");
    expect(h.chat.texts("post")).toEqual([expect.stringMatching(/expired unopened/)]);
    expect((await h.cases.get(c.id))?.credentials?.[accountId]).toMatchObject({ state: "expired" });
  });

  it("lets the expiry delete the secret of a link whose Reveal was claimed but never finished (process died)", async () => {
    const c = await h.seedCase();
    const { token } = await depositViaForm(c.id);
    const scheduled = (h.expiry as RecordingExpiryScheduler).scheduled.at(-1)!;
    const claim = await h.links.claimRetrieval(hashOf(token), new Date().toISOString(), 86400);
    expect(claim.won).toBe(true);

    expect(await h.service.expire(scheduled.expiry)).toBe("skipped");
    expect(await secretValue(credentialSecretName(c.id, accountId))).toBe("ResourceNotFoundException");
  });
});

describe("reveal rate limits", () => {
  let limited: Harness;
  beforeAll(async () => {
    limited = await startHarness({
      label: "credential-rate",
      revealLimits: { perIpPerMinute: 8, perTokenPerMinute: 3 },
    });
  });
  afterAll(() => limited.close());

  it("refuses a fourth attempt on one token within a minute, even with the right proof", async () => {
    const c = await limited.seedCase();
    await limited.service.requestDeposit(c.id, accountId, partner, where);
    const depositUrl = lastDirectLink(limited.chat);
    const key = randomSecret();
    await post(depositUrl, {
      ciphertext: encryptCredentials(testCredentials, key, credentialSecretName(c.id, accountId)),
      key,
    });
    const url = new URL(lastDirectLink(limited.chat));
    const token = url.pathname.slice(3);
    for (let i = 0; i < 3; i++)
      expect((await post(`${limited.baseUrl}/r/${token}/reveal`, { proof: "guess" })).status).toBe(404);
    const refused = await post(`${limited.baseUrl}/r/${token}/reveal`, {
      proof: revealProof(token, url.hash.slice(1)),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect((await limited.links.getRetrieval(hashOf(token)))?.state).toBe("open");
  });

  it("refuses a client that tries too many tokens", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(`${limited.baseUrl}/r/${randomSecret()}/reveal`, { proof: "guess" })).status);
    // 4 attempts were spent by the test above from the same address.
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
  });
});

describe("equalised answers", () => {
  it("takes as long for an unknown token as for a wrong proof", async () => {
    const c = await h.seedCase();
    const { token } = await depositViaForm(c.id);
    const timeOf = async (t: string): Promise<number> => {
      const started = process.hrtime.bigint();
      await (await reveal(t, "wrong")).text();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 40; i++) {
      known.push(await timeOf(token));
      unknown.push(await timeOf(randomSecret()));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(Math.max(1, 0.5 * median(known)));
  });
});
