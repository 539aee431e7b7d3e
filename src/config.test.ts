import { loadConfig } from "./config";
import { ConfigError } from "./errors";

function problemsOf(env: Record<string, string>, options = {}): string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("fills sensible defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(config.linkTtlSeconds).toBe(86400);
    expect(config.aws.memberRoleName).toBe("OrganizationAccountAccessRole");
    expect(config.aws.partnerMarker).toBe("CTL");
  });

  it("reads the partner's other accounts and refuses one that is not an account id", () => {
    expect(loadConfig({}).aws.partnerAccountIds).toEqual([]);
    expect(loadConfig({ OFFBOARD_PARTNER_ACCOUNT_IDS: "888888888888, 7777-7777-7777" }).aws.partnerAccountIds).toEqual([
      "888888888888",
      "777777777777",
    ]);
    expect(problemsOf({ OFFBOARD_PARTNER_ACCOUNT_IDS: "888888888888,12345" })).toEqual([
      'OFFBOARD_PARTNER_ACCOUNT_IDS: "12345" is not a 12-digit AWS account id',
    ]);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ PORT: "70000", REDIS_URL: "localhost", OFFBOARD_LINK_TTL: "30d" });
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/PORT/);
    expect(problems.join("\n")).toMatch(/REDIS_URL: must start with redis:\/\//);
    expect(problems.join("\n")).toMatch(/OFFBOARD_LINK_TTL: .*at most 7 days/);
  });

  it("reads a Redis Cluster from REDIS_CLUSTER_NODES, refuses a bad node and REDIS_URL beside it", () => {
    expect(loadConfig({}).redisCluster).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: "127.0.0.1:7000,127.0.0.1:7001" }).redisCluster).toEqual({
      nodes: [
        { host: "127.0.0.1", port: 7000 },
        { host: "127.0.0.1", port: 7001 },
      ],
      tls: false,
    });
    expect(problemsOf({ REDIS_CLUSTER_NODES: "127.0.0.1:7000,localhost" })).toEqual([
      'REDIS_CLUSTER_NODES: "localhost" is not host:port (e.g. 10.0.0.1:6379) or a redis:// or rediss:// URL',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "127.0.0.1:7000", REDIS_URL: "redis://127.0.0.1:6379" })).toEqual([
      "REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both",
    ]);
  });

  it("refuses a key prefix with braces, which would take the keys' hash tags' place", () => {
    expect(problemsOf({ OFFBOARD_KEY_PREFIX: "{offboard}:" })).toEqual([
      "OFFBOARD_KEY_PREFIX: may not contain { or }: the keys' hash tags (for Redis Cluster) follow the prefix",
    ]);
  });

  it("refuses to start with no chat platform and says what to set", () => {
    const problems = problemsOf({}, { requirePlatform: true });
    expect(problems.join("\n")).toMatch(/SLACK_BOT_TOKEN.*MicrosoftAppId/);
  });

  it("lists every missing Slack value when the Slack adapter is on", () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: "not-a-token" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/SLACK_BOT_TOKEN: must be a bot token/),
        expect.stringMatching(/SLACK_SIGNING_SECRET: required/),
        expect.stringMatching(/OFFBOARD_PARTNER_SLACK_USERS/),
      ]),
    );
  });

  it("refuses TEAMS_LOCAL in production", () => {
    expect(problemsOf({ TEAMS_LOCAL: "1", NODE_ENV: "production" }).join()).toMatch(
      /TEAMS_LOCAL.*refused when NODE_ENV=production/,
    );
  });

  it("requires an audit key of at least 32 bytes in production, and reads the previous keys", () => {
    expect(problemsOf({ NODE_ENV: "production" }).join("\n")).toMatch(
      /OFFBOARD_AUDIT_KEY: required when NODE_ENV=production/,
    );
    expect(problemsOf({ OFFBOARD_AUDIT_KEY: "short" }).join()).toMatch(/OFFBOARD_AUDIT_KEY: must be at least 32 bytes/);
    const config = loadConfig({ OFFBOARD_AUDIT_KEY: "a".repeat(64), OFFBOARD_AUDIT_KEYS_PREVIOUS: "b".repeat(64) });
    expect(config.auditKeys.current.secret).toEqual(Buffer.alloc(32, 0xaa));
    expect(config.auditKeys.previous.map((k) => k.secret)).toEqual([Buffer.alloc(32, 0xbb)]);
  });

  it("refuses the demo channel in production: it has no sign-in", () => {
    expect(problemsOf({ OFFBOARD_DEMO_CHANNEL: "1", NODE_ENV: "production" }).join()).toMatch(
      /OFFBOARD_DEMO_CHANNEL.*refused when NODE_ENV=production/,
    );
  });

  it("requires an https PUBLIC_BASE_URL in production", () => {
    const production = { NODE_ENV: "production", OFFBOARD_AUDIT_KEY: "a".repeat(64) };
    expect(problemsOf(production)).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: required when NODE_ENV=production/),
    ]);
    expect(problemsOf({ ...production, PUBLIC_BASE_URL: "http://offboard.example.com" })).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL: must be an https:\/\/ address when NODE_ENV=production/),
    ]);
    expect(loadConfig({ ...production, PUBLIC_BASE_URL: "https://offboard.example.com/" }).publicBaseUrl).toBe(
      "https://offboard.example.com",
    );
    expect(loadConfig({ PUBLIC_BASE_URL: "http://127.0.0.1:3000" }).publicBaseUrl).toBe("http://127.0.0.1:3000");
  });

  it("refuses OFFBOARD_TRUST_PROXY=true, which would believe any client's X-Forwarded-For", () => {
    expect(problemsOf({ OFFBOARD_TRUST_PROXY: "true" })).toEqual([
      expect.stringMatching(/^OFFBOARD_TRUST_PROXY: "true" trusts every client.*hop count.*addresses/),
    ]);
    expect(problemsOf({ OFFBOARD_TRUST_PROXY: "TRUE" }).join()).toMatch(/OFFBOARD_TRUST_PROXY/);
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "10.0.0.0/8, fd00::/8" }).trustProxy).toBe("10.0.0.0/8, fd00::/8");
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "loopback, uniquelocal" }).trustProxy).toBe("loopback, uniquelocal");
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "false" }).trustProxy).toBeUndefined();
  });

  it("reads which proxies to trust for client addresses", () => {
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ OFFBOARD_TRUST_PROXY: "loopback" }).trustProxy).toBe("loopback");
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(problemsOf({ OFFBOARD_TRUST_PROXY: "everyone please" }).join()).toMatch(/OFFBOARD_TRUST_PROXY/);
  });

  it("accepts a link lifetime of at most seven days", () => {
    expect(loadConfig({ OFFBOARD_LINK_TTL: "7d" }).linkTtlSeconds).toBe(604800);
    expect(loadConfig({ OFFBOARD_LINK_TTL: "90m" }).linkTtlSeconds).toBe(5400);
  });

  it("reads the worker tuning and refuses a value that is not a positive whole number", () => {
    const config = loadConfig({
      OFFBOARD_WORKER_CONCURRENCY: "2",
      OFFBOARD_JOB_LOCK_MS: "2000",
      OFFBOARD_STALLED_INTERVAL_MS: "1000",
      OFFBOARD_CUSTOMER_POLL_MS: "500",
    });
    expect(config.workers).toEqual({
      concurrency: 2,
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      customerPollMs: 500,
    });
    expect(loadConfig({}).workers).toEqual({});
    const problems = problemsOf({ OFFBOARD_WORKER_CONCURRENCY: "0", OFFBOARD_JOB_LOCK_MS: "soon" });
    expect(problems.join("\n")).toMatch(/OFFBOARD_WORKER_CONCURRENCY/);
    expect(problems.join("\n")).toMatch(/OFFBOARD_JOB_LOCK_MS/);
  });

  it("turns metrics on only with a token of at least 16 characters", () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ OFFBOARD_METRICS_TOKEN: "a-long-enough-token" }).metricsToken).toBe("a-long-enough-token");
    expect(problemsOf({ OFFBOARD_METRICS_TOKEN: "short" }).join()).toMatch(
      /OFFBOARD_METRICS_TOKEN: must be at least 16/,
    );
  });
});
