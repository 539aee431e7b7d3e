import { createLogger } from "../../adapters/log/logger";
import { loadConfig } from "../../src/config";
import { startOffboard, type RunningOffboard } from "../../src/main";
import { startFullStack, type FullStack } from "../support/full-stack";
import { deleteKeysWithPrefix, testRedis, testRedisUrl } from "../support/redis";

/**
 * `GET /metrics` as the composition root wires it: behind OFFBOARD_METRICS_TOKEN, in the Prometheus text
 * format, and moved by a whole handoff (cases, jobs, AWS calls with their retries, audit verifications);
 * and the correlation and case ids on the log lines of requests and jobs.
 */
const token = "metrics-token-for-the-tests";

/** One sample line of the exposition: `name{label="value",…} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(base: string): Promise<Sample[]> {
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe("GET /metrics", () => {
  const prefix = `test:metrics:${Date.now().toString(36)}:`;
  const running: RunningOffboard[] = [];
  const start = async (env: Record<string, string>) => {
    const config = loadConfig({
      REDIS_URL: testRedisUrl,
      PORT: "0",
      OFFBOARD_KEY_PREFIX: prefix,
      OFFBOARD_DEMO_CHANNEL: "1",
      LOG_LEVEL: "silent",
      ...env,
    });
    const bot = await startOffboard(config, { role: "all", host: "127.0.0.1", logger: createLogger("silent") });
    running.push(bot);
    return `http://127.0.0.1:${bot.port}`;
  };
  afterAll(async () => {
    for (const bot of running) await bot.close();
    const { redis, cleanup } = testRedis("metrics-cleanup");
    await deleteKeysWithPrefix(redis, prefix);
    await cleanup();
  });

  it("does not exist without OFFBOARD_METRICS_TOKEN", async () => {
    const base = await start({});
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it("answers 401 without the token or with another, and the exposition with it", async () => {
    const base = await start({ OFFBOARD_METRICS_TOKEN: token });
    const bare = await fetch(`${base}/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await bare.text()).not.toContain("offboard_");
    for (const wrong of [`${token}x`, token.slice(0, -1), "", "metrics-token-for-the-testz"]) {
      const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${wrong}` } });
      expect(`${wrong}: ${res.status}`).toBe(`${wrong}: 401`);
    }
    expect((await fetch(`${base}/metrics?token=${token}`)).status).toBe(401);

    const samples = await scrape(base);
    const names = new Set(samples.map((s) => s.name));
    for (const name of names) expect(name).toMatch(/^offboard_/);
    for (const name of [
      "offboard_process_cpu_user_seconds_total",
      "offboard_nodejs_eventloop_lag_seconds",
      "offboard_jobs",
      "offboard_case_run_longest_seconds",
    ])
      expect(names).toContain(name);
    expect(total(samples, "offboard_jobs", { queue: "offboard-execute", state: "failed" })).toBe(0);
  });

  it("counts requests by route pattern, never by path", async () => {
    const base = await start({ OFFBOARD_METRICS_TOKEN: token });
    await fetch(`${base}/r/a-secret-link-token`);
    await fetch(`${base}/healthz`);
    const samples = await scrape(base);
    const routes = samples
      .filter((s) => s.name === "offboard_http_request_duration_seconds_count")
      .map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status}`);
    expect(routes).toEqual(expect.arrayContaining(["GET /r/:token 404", "GET /healthz 200"]));
    expect(JSON.stringify(samples)).not.toContain("a-secret-link-token");
  });
});

describe("a whole handoff, as the metrics and the logs tell it", () => {
  let stack: FullStack;
  let base: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = createLogger("debug", {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    stack = await startFullStack({}, { OFFBOARD_METRICS_TOKEN: token, LOG_LEVEL: "debug" }, { logger });
    base = `http://127.0.0.1:${stack.bot.port}`;
  }, 30_000);
  afterAll(async () => stack?.stop(), 30_000);

  it("moves the counters of cases, jobs, AWS calls (throttles and retries included) and audit verifications", async () => {
    const before = await scrape(base);
    let value = await stack.openPlannedCase("222222222222 444444444444");
    await stack.approveAll(value);
    value = await stack.caseOf();
    // Throttle a share of the run's AWS calls and make the next Organizations calls conflict: retried, not failed.
    stack.sandbox.setFaults({ throttleRate: 0.1, concurrentModificationBurst: 2 });
    await stack.command(value, "run");
    value = await stack.waitFor((c) => c.status === "completed", 60_000, "the run to complete");
    stack.sandbox.setFaults({ throttleRate: 0, concurrentModificationBurst: 0 });
    await stack.command(value, "export");

    const after = await scrape(base);
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);

    expect(total(after, "offboard_cases", { status: "completed" })).toBe(1);
    expect(total(after, "offboard_cases")).toBe(1);
    expect(moved("offboard_job_attempts_total", { queue: "offboard-preflight", outcome: "completed" })).toBe(1);
    expect(
      moved("offboard_job_attempts_total", {
        queue: "offboard-execute",
        name: "account-handoff",
        outcome: "completed",
      }),
    ).toBe(2);
    expect(total(after, "offboard_jobs", { queue: "offboard-execute", state: "completed" })).toBeGreaterThanOrEqual(2);
    expect(
      moved("offboard_aws_calls_total", {
        service: "organizations",
        operation: "RemoveAccountFromOrganization",
        outcome: "success",
      }),
    ).toBe(2);
    expect(moved("offboard_aws_calls_total", { outcome: "success" })).toBeGreaterThan(20);
    expect(moved("offboard_aws_retries_total", { reason: "throttled" })).toBeGreaterThan(0);
    expect(moved("offboard_aws_retries_total", { service: "organizations", reason: "conflict" })).toBe(2);
    expect(moved("offboard_aws_calls_total", { outcome: "throttled" })).toBe(0);
    expect(moved("offboard_aws_rate_limit_wait_seconds_count")).toBeGreaterThan(20);
    expect(moved("offboard_audit_verifications_total", { result: "ok" })).toBe(1);
    expect(total(after, "offboard_audit_verifications_total", { result: "broken" })).toBe(0);
  }, 120_000);

  it("puts the job id and the case id on every line a job writes, and the request id on a request's", async () => {
    const caseId = (await stack.caseOf()).id;
    const jobLines = lines.filter((l) => l.msg === "job attempt");
    expect(jobLines.length).toBeGreaterThanOrEqual(4);
    for (const line of jobLines) {
      expect(line).toMatchObject({ caseId, jobId: expect.any(String), queue: expect.any(String) });
      expect(line.correlationId).toBe(line.jobId);
    }

    const res = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "req-from-the-balancer-1" } });
    expect(res.headers.get("x-request-id")).toBe("req-from-the-balancer-1");
    const generated = (await fetch(`${base}/healthz`)).headers.get("x-request-id");
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const requestLines = lines.filter((l) => l.msg === "request" && l.url === "/healthz");
    expect(requestLines.map((l) => l.correlationId)).toEqual(
      expect.arrayContaining(["req-from-the-balancer-1", generated]),
    );
  });
});
