import fc from "fast-check";
import Redis from "ioredis";
import { credentialSecretName, encryptCredentials, randomSecret } from "../../src/credentials/credential-crypto";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { testRedisUrl } from "../support/redis";
import { baseUrl, directLinks, onThisBot, rawPost } from "./credential-links";
import { dumpRedis } from "./redis-dump";
import { RedisKeys } from "../../adapters/redis/keys";

/**
 * Whatever arrives in the body of a POST to the running product's endpoints (random JSON, random
 * bytes under any content type, near misses of the real requests), the answer is never a 5xx and
 * nothing that is state changes: cases, locations, audit streams, credential links, demo messages,
 * Teams references. Rate-limit counters and request-id claims are bookkeeping and may move; BullMQ
 * keeps its own house. Live deposit and retrieval links sit in Redis throughout, so a fuzzed body
 * that could consume one would be seen.
 */
let stack: FullStack;
let redis: Redis;
const runs = { numRuns: 200, seed: 4242 };

beforeAll(async () => {
  stack = await startFullStack({}, { TEAMS_LOCAL: "1" });
  redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 3 });
}, 30_000);
afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
}, 30_000);

/** Keys that are state: everything under the prefix but counters, request-id claims and BullMQ's own. */
async function state(): Promise<Map<string, string>> {
  const all = await dumpRedis(redis, `${stack.prefix}*`);
  const bookkeeping = [
    new RedisKeys(stack.prefix).bull(),
    `${stack.prefix}idem:`,
    `${stack.prefix}credential:attempts:`,
    new RedisKeys(stack.prefix).awsRate(),
  ];
  return new Map([...all].filter(([key]) => !bookkeeping.some((p) => key.startsWith(p))));
}

const contentTypes = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "application/xml",
  "*/*",
];

/** Random JSON as JSON, random bytes under a random content type, or a JSON-ish prefix cut short. */
const anyBody: fc.Arbitrary<{ type: string; body: string | Buffer }> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ type: "application/json", body: JSON.stringify(v) ?? "null" })),
  fc.record({
    type: fc.constantFrom(...contentTypes),
    body: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  }),
  fc.record({ type: fc.constantFrom(...contentTypes), body: fc.string({ unit: "binary", maxLength: 600 }) }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => ({ type: "application/json", body: (JSON.stringify(v) ?? "").slice(0, -1) + "\u0000" })),
);

/** Text, ids and values of every shape, for the fields of near-miss requests. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.constantFrom("/offboard start", "/offboard approve", "@Offboard run", "", " "),
);
const anyField = fc.oneof(
  anyText,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const demoUserIds = ["U-CAROL", "U-DEV", "U-ALEX", "U-PAT", "U-SAM"];
/** A user id the demo does not know (the demo acts as whoever the page names: a known one would act). */
const unknownUser = anyField.filter((v) => !(typeof v === "string" && demoUserIds.includes(v)));
/** An id no stored message or case has: stored ids are numbers, case ids `OFB-…`. */
const strangerId = fc.string({ maxLength: 40 }).map((s) => `zz-${s}`);

describe("fuzzed POST bodies against the running product", () => {
  let depositUrl: string;
  let retrieval: { url: string; token: string };
  let before: Map<string, string>;

  beforeAll(async () => {
    const value = await stack.openPlannedCase("222222222222 444444444444");
    // Root credentials move only after the three sign-offs.
    await stack.approveAll(value);
    // A live retrieval link for one account, a live deposit link for the other.
    await stack.command(value, "credentials 222222222222");
    const first = onThisBot(stack, (await directLinks(stack, people.partner.userId))[0].url);
    const key = randomSecret();
    const ciphertext = encryptCredentials(
      { email: "root@customer.example", password: "sandbox-fuzz-password", mfaNotes: "" },
      key,
      credentialSecretName(value.id, "222222222222"),
    );
    expect(
      (
        await fetch(first.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ciphertext, key }),
        })
      ).status,
    ).toBe(200);
    retrieval = onThisBot(stack, (await directLinks(stack, people.customer.userId))[0].url);
    await stack.command(value, "credentials 444444444444");
    depositUrl = onThisBot(stack, (await directLinks(stack, people.partner.userId))[1].url).url;
    await stack.bot.conversation.workflow.flush();
    // Let the case settle (the sign-off message reference is stored just after the plan).
    await new Promise((r) => setTimeout(r, 300));
    before = await state();
    expect([...before.keys()].some((k) => k.includes("credential:link:"))).toBe(true);
    expect([...before.keys()].some((k) => k.includes("credential:deposit:"))).toBe(true);
  }, 60_000);

  const statuses = new Map<string, number[]>();
  async function post(name: string, path: string, type: string, body: string | Buffer): Promise<number> {
    const answer = await rawPost(`${baseUrl(stack)}${path}`, body, { "content-type": type });
    statuses.set(name, [...(statuses.get(name) ?? []), answer.status]);
    return answer.status;
  }
  const noServerError = (status: number) => expect(status >= 200 && status < 500).toBe(true);

  it.each([
    ["a live retrieval link's reveal", () => `/r/${retrieval.token}/reveal`],
    ["an unknown token's reveal", () => `/r/${randomSecret()}/reveal`],
    ["a live deposit link", () => new URL(depositUrl).pathname],
    ["the demo API: message", () => "/demo/api/message"],
    ["the demo API: action", () => "/demo/api/action"],
    ["the demo API: form", () => "/demo/api/form"],
  ])(
    "%s: random JSON and bytes never get a 5xx",
    async (name, path) => {
      await fc.assert(
        fc.asyncProperty(anyBody, async ({ type, body }) => {
          noServerError(await post(name, path(), type, body));
        }),
        runs,
      );
    },
    60_000,
  );

  it("Teams /api/messages (TEAMS_LOCAL): random JSON and bytes never get a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async ({ type, body }) => {
        noServerError(await post("Teams /api/messages", "/api/messages", type, body));
      }),
      runs,
    );
  }, 60_000);

  /**
   * botbuilder's CloudAdapter.process throws on an activity without a `type`; the route answers such a
   * body itself (400), before authentication, and nothing answers with a stack trace.
   */
  it("Teams /api/messages: an activity without a type gets a 4xx, not a 500", async () => {
    for (const body of ["", "{}", '{"text":"hello"}']) {
      const answer = await rawPost(`${baseUrl(stack)}/api/messages`, body, { "content-type": "application/json" });
      expect(`${JSON.stringify(body)} → ${answer.status}`).toMatch(/→ 4\d\d$/);
      expect(answer.body).not.toMatch(/node_modules|at .*\.ts:\d+/);
    }
  });

  it("the demo API: near misses of real inputs never get a 5xx and never act", async () => {
    const near = fc.oneof(
      fc.record({
        path: fc.constant("/demo/api/message"),
        body: fc.record({
          user: unknownUser,
          text: anyField,
          threadId: fc.option(anyField, { nil: undefined }),
          requestId: fc.option(anyField, { nil: undefined }),
        }),
      }),
      fc.record({
        path: fc.constant("/demo/api/message"),
        body: fc.record({ user: fc.constantFrom(...demoUserIds), text: anyText, threadId: strangerId }),
      }),
      fc.record({
        path: fc.constant("/demo/api/action"),
        body: fc.record({
          user: fc.constantFrom(...demoUserIds),
          messageId: strangerId,
          actionId: anyField,
          value: anyField,
        }),
      }),
      fc.record({
        path: fc.constant("/demo/api/action"),
        body: fc.record({
          user: unknownUser,
          messageId: fc.constantFrom("1", "2", "3"),
          actionId: fc.constantFrom("signoff.approve", "case.cancel", "run.start"),
          value: anyText,
        }),
      }),
      fc.record({
        path: fc.constant("/demo/api/form"),
        body: fc.record({
          user: fc.constantFrom(...demoUserIds),
          callbackId: strangerId,
          values: fc.dictionary(fc.string({ maxLength: 30 }), fc.string({ maxLength: 200 }), { maxKeys: 20 }),
        }),
      }),
      fc.record({
        path: fc.constant("/demo/api/form"),
        body: fc.record({ user: unknownUser, callbackId: anyField, values: anyField }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(near, async ({ path, body }) => {
        noServerError(await post("the demo API: near misses", path, "application/json", JSON.stringify(body)));
      }),
      runs,
    );
  }, 60_000);

  it("changed no state: cases, audit, credential links, demo messages and Teams references are as they were", async () => {
    await stack.bot.conversation.workflow.flush();
    const after = await state();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    expect(changed).toEqual([]);
    // The links still work as links: nothing consumed them.
    expect((await fetch(depositUrl)).status).toBe(200);
    expect((await fetch(retrieval.url)).status).toBe(200);
    // Every endpoint was reached on every run, and refused at least some of it (4xx).
    expect(statuses.size).toBe(8);
    for (const [name, list] of statuses) {
      expect(`${name}: ${list.length} runs`).toBe(`${name}: ${runs.numRuns} runs`);
      expect(list.some((status) => status >= 400 && status < 500)).toBe(true);
    }
  });
});
