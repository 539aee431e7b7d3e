import { createLogger } from "../../adapters/log/logger";
import { loadConfig } from "../../src/config";
import { startOffboard, type RunningOffboard } from "../../src/main";
import { deleteKeysWithPrefix, testRedis, testRedisUrl } from "../support/redis";
import { SlackRequester, testBotToken, testSigningSecret } from "../support/slack-requests";
import { FakeSlackWebApi } from "../support/slack-web-api";

/**
 * A Slack request through the production wiring (src/main.ts): every line logged while it is handled —
 * Bolt's, the Slack Web API client's, the request line — carries the request's correlation id, the work
 * after the acknowledgement included.
 */
const prefix = `test:request-logs:${Date.now().toString(36)}:`;
const web = new FakeSlackWebApi();
const lines: Record<string, unknown>[] = [];
let bot: RunningOffboard;

beforeAll(async () => {
  await web.start();
  const config = loadConfig({
    REDIS_URL: testRedisUrl,
    PORT: "0",
    OFFBOARD_KEY_PREFIX: prefix,
    SLACK_BOT_TOKEN: testBotToken,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: web.url,
    OFFBOARD_PARTNER_SLACK_USERS: "UPAT",
  });
  const logger = createLogger("debug", {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  bot = await startOffboard(config, { role: "web", host: "127.0.0.1", logger });
});

afterAll(async () => {
  await bot?.close();
  await web.close();
  const { redis, cleanup } = testRedis("request-logs-cleanup");
  await deleteKeysWithPrefix(redis, prefix);
  await cleanup();
});

it("puts one correlation id on every line of a Slack request, before and after its ack", async () => {
  const slack = new SlackRequester(`http://127.0.0.1:${bot.port}/slack/events`, web.responseUrl);
  const before = lines.length;
  const answer = await slack.command({ id: "UPAT", teamId: "TPARTNER", name: "pat" }, "C0REQLOG", "help");
  expect(answer.status).toBe(200);
  const until = Date.now() + 5000;
  while (!lines.slice(before).some((l) => l.msg === "request") && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 20));

  const requestLines = lines.slice(before);
  const requestLine = requestLines.find((l) => l.msg === "request" && l.url === "/slack/events");
  expect(requestLine?.correlationId).toEqual(expect.any(String));
  const ack = requestLines.findIndex((l) => String(l.msg).startsWith("ack() response sent"));
  expect(ack).toBeGreaterThanOrEqual(0);
  expect(requestLines.length).toBeGreaterThan(ack + 1);
  for (const line of requestLines)
    expect(`${line.msg}: ${line.correlationId}`).toBe(`${line.msg}: ${requestLine!.correlationId}`);
});
