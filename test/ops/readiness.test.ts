import { createLogger } from "../../adapters/log/logger";
import { loadConfig } from "../../src/config";
import { startOffboard, type Role, type RunningOffboard } from "../../src/main";
import { startPrivateRedis } from "../fault/private-redis";
import { testRedis, testRedisUrl } from "../support/redis";

/**
 * `/readyz` as the composition root wires it, per role: it reports the job workers' real state (running,
 * connected), and a worker-only process serves the health endpoints and nothing else.
 */
const { prefix, cleanup } = testRedis("readiness");
const running: RunningOffboard[] = [];

async function start(role: Role): Promise<{ bot: RunningOffboard; base: string }> {
  const config = loadConfig({
    REDIS_URL: testRedisUrl,
    PORT: "0",
    OFFBOARD_KEY_PREFIX: prefix,
    OFFBOARD_DEMO_CHANNEL: "1",
    LOG_LEVEL: "silent",
  });
  const bot = await startOffboard(config, { role, host: "127.0.0.1", logger: createLogger("silent") });
  running.push(bot);
  return { bot, base: `http://127.0.0.1:${bot.port}` };
}

async function readyz(base: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

afterAll(async () => {
  for (const bot of running) await bot.close();
  await cleanup();
});

describe("/readyz", () => {
  it("is ready with the workers running, and 503 naming the workers once they stopped", async () => {
    const { bot, base } = await start("all");
    expect(bot.workers).toBeDefined();
    expect(await readyz(base)).toEqual({
      status: 200,
      body: { status: "ready", redis: true, workers: true, down: [] },
    });

    await bot.workers!.close();

    expect(await readyz(base)).toEqual({
      status: 503,
      body: { status: "not_ready", redis: true, workers: false, down: ["workers"] },
    });
  });

  it("in a worker-only process: health, readiness and nothing that takes requests", async () => {
    const { bot, base } = await start("worker");
    expect(typeof bot.port).toBe("number");
    expect((await readyz(base)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const path of ["/", "/slack/events", "/api/messages", "/r/some-token", "/admin/queues"])
      expect(`${path}: ${(await fetch(`${base}${path}`)).status}`).toBe(`${path}: 404`);

    await bot.workers!.close();
    expect((await readyz(base)).status).toBe(503);
  });

  it("in a web-only process: no workers to wait for", async () => {
    const { bot, base } = await start("web");
    expect(bot.workers).toBeUndefined();
    expect(await readyz(base)).toMatchObject({ status: 200, body: { workers: true } });
  });
});

describe("/readyz when Redis goes away", () => {
  it("answers 503 for the workers' lost connections, and 200 again once they reconnect", async () => {
    const server = await startPrivateRedis();
    let bot: RunningOffboard | undefined;
    let redisDown = false;
    try {
      const config = loadConfig({
        REDIS_URL: server.url,
        PORT: "0",
        OFFBOARD_DEMO_CHANNEL: "1",
        LOG_LEVEL: "silent",
      });
      bot = await startOffboard(config, { role: "worker", host: "127.0.0.1", logger: createLogger("silent") });
      const workers = bot.workers!;
      const base = `http://127.0.0.1:${bot.port}`;
      expect(await readyz(base)).toMatchObject({ status: 200 });
      expect(await workers.isReady()).toBe(true);

      await server.kill();
      redisDown = true;
      await waitUntil(async () => !(await workers.isReady()));
      expect(await readyz(base)).toMatchObject({ status: 503, body: { workers: false } });

      await server.restart();
      redisDown = false;
      await waitUntil(async () => (await readyz(base)).status === 200);
      expect(await readyz(base)).toMatchObject({ body: { redis: true, workers: true } });
    } finally {
      // Closed while its Redis still answers: a shutdown waits for Redis to hand the jobs back.
      if (redisDown) await server.restart().catch(() => undefined);
      await bot?.close();
      await server.stop();
    }
  }, 60_000);
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
