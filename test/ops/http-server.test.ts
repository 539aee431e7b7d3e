import Redis from "ioredis";
import { Queue } from "bullmq";
import { createHttpServer, type RunningHttpServer } from "../../adapters/web/http-server";
import { createLogger } from "../../adapters/log/logger";
import { testRedis, testRedisUrl } from "../support/redis";

const logger = createLogger("silent");

/** Readiness as the composition root builds it: Redis answers PING, and the workers run. */
function readinessOf(redis: Redis, workersRunning: () => boolean) {
  return async () => ({
    redis: await redis.ping().then(
      (r) => r === "PONG",
      () => false,
    ),
    workers: workersRunning(),
  });
}

/** A URL with a port nothing listens on: Redis "down". */
function unreachableRedisUrl(): string {
  const url = new URL(testRedisUrl);
  url.port = "1";
  return url.toString();
}

describe("health and readiness", () => {
  const live = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  const down = new Redis(unreachableRedisUrl(), {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  let workers = true;
  let redisForReadiness: Redis = live;
  const http = createHttpServer({
    logger,
    readiness: () => readinessOf(redisForReadiness, () => workers)(),
    readinessTimeoutMs: 1500,
  });
  let running: RunningHttpServer;
  let base: string;

  beforeAll(async () => {
    running = await http.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${running.port}`;
  });
  afterAll(async () => {
    await running.close();
    live.disconnect();
    down.disconnect();
  });

  it("answers /healthz with ok while the process is up", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("is ready when Redis answers and the workers run", async () => {
    redisForReadiness = live;
    workers = true;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ready", redis: true, workers: true, down: [] });
  });

  it("turns 503 and names Redis when Redis does not answer", async () => {
    redisForReadiness = down;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "not_ready", redis: false, workers: true, down: ["redis"] });
    // Health is about the process, not its dependencies.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("turns 503 and names the workers when they stopped", async () => {
    redisForReadiness = live;
    workers = false;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ down: ["workers"] });
    workers = true;
  });

  it("counts a readiness check that hangs as down", async () => {
    const hanging = createHttpServer({
      logger,
      readiness: () => new Promise(() => undefined),
      readinessTimeoutMs: 100,
    });
    const server = await hanging.listen(0, "127.0.0.1");
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ redis: false, workers: false });
    } finally {
      await server.close();
    }
  });

  it("sets headers that keep credential-link tokens out of Referer", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request, refuses new connections, and stops within the drain bound", async () => {
    const http = createHttpServer({
      logger,
      readiness: async () => ({ redis: true, workers: true }),
      drainTimeoutMs: 2000,
    });
    http.app.get("/slow", (_req, res) => {
      setTimeout(() => res.json({ finished: true }), 300);
    });
    const server = await http.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${server.port}`;
    const inFlight = fetch(`${base}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const startedAt = Date.now();
    const closed = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closed;
    expect(Date.now() - startedAt).toBeLessThan(2000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it("cuts a request that outlives the drain bound", async () => {
    const http = createHttpServer({
      logger,
      readiness: async () => ({ redis: true, workers: true }),
      drainTimeoutMs: 200,
    });
    http.app.get("/never", () => undefined);
    const server = await http.listen(0, "127.0.0.1");
    const stuck = fetch(`http://127.0.0.1:${server.port}/never`).then(
      () => "answered",
      () => "cut",
    );
    await new Promise((r) => setTimeout(r, 50));
    const startedAt = Date.now();
    await server.close();
    expect(Date.now() - startedAt).toBeLessThan(1500);
    expect(await stuck).toBe("cut");
  });

  it("tells long-lived responses to end when shutdown starts", async () => {
    const http = createHttpServer({
      logger,
      readiness: async () => ({ redis: true, workers: true }),
      drainTimeoutMs: 5000,
    });
    const { shutdownEvent } = await import("../../adapters/web/http-server");
    http.app.get("/stream", (req, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.write(": open\n\n");
      req.app.once(shutdownEvent, () => res.end());
    });
    const server = await http.listen(0, "127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${server.port}/stream`);
    const body = res.text();
    const startedAt = Date.now();
    await server.close();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(await body).toContain(": open");
  });
});

describe("the job dashboard", () => {
  const { prefix, cleanup } = testRedis("ops-admin");
  const queue = new Queue("preflight", {
    connection: { url: testRedisUrl, maxRetriesPerRequest: null },
    prefix: prefix.slice(0, -1),
  });
  const adminToken = "test-admin-token-0123456789";
  let withToken: RunningHttpServer;
  let withoutToken: RunningHttpServer;
  const logLines: string[] = [];
  const requestLogger = createLogger("debug", { write: (line: string) => void logLines.push(line) });

  beforeAll(async () => {
    withToken = await createHttpServer({
      logger: requestLogger,
      readiness: async () => ({ redis: true, workers: true }),
      adminToken,
      queues: [queue],
    }).listen(0, "127.0.0.1");
    withoutToken = await createHttpServer({ logger, readiness: async () => ({ redis: true, workers: true }) }).listen(
      0,
      "127.0.0.1",
    );
  });
  afterAll(async () => {
    await withToken.close();
    await withoutToken.close();
    await queue.close();
    await cleanup();
  });

  it("does not exist when OFFBOARD_ADMIN_TOKEN is unset", async () => {
    expect((await fetch(`http://127.0.0.1:${withoutToken.port}/admin/queues`)).status).toBe(404);
    expect(
      (
        await fetch(`http://127.0.0.1:${withoutToken.port}/admin/queues/api/queues`, {
          headers: { authorization: `Bearer ${adminToken}` },
        })
      ).status,
    ).toBe(404);
  });

  it("refuses a request without the token or with a wrong one", async () => {
    const base = `http://127.0.0.1:${withToken.port}`;
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect(
      (await fetch(`${base}/admin/queues`, { headers: { authorization: "Bearer test-wrong-token-000000" } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/admin/queues?token=test-wrong-token-000000`, { redirect: "manual" })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/admin/queues`, { headers: { cookie: "offboard_admin=forged" } })).status).toBe(401);
  });

  it("shows the queues to a bearer of the token", async () => {
    const res = await fetch(`http://127.0.0.1:${withToken.port}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toContain("preflight");
  });

  it("trades ?token= for a cookie once and drops the token from the address", async () => {
    const base = `http://127.0.0.1:${withToken.port}`;
    const first = await fetch(`${base}/admin/queues?token=${adminToken}`, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/admin/queues");
    const setCookie = first.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).not.toContain(adminToken);
    const cookie = setCookie.split(";")[0];
    const page = await fetch(`${base}/admin/queues`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
  });

  it("logs each request without the token, the cookie or a credential-link token", async () => {
    const base = `http://127.0.0.1:${withToken.port}`;
    await fetch(`${base}/admin/queues?token=${adminToken}`, { redirect: "manual" });
    await fetch(`${base}/r/test-link-token-abc?x=1`, { headers: { authorization: `Bearer ${adminToken}` } });
    const logged = logLines.join("");
    expect(logged).toContain('"url":"/admin/queues?token=[redacted]"');
    expect(logged).toContain('"url":"/r/[redacted]?x=1"');
    expect(logged).not.toContain(adminToken);
    expect(logged).not.toContain("test-link-token-abc");
  });
});
