import { existsSync } from "node:fs";
import { createServer as createHttp } from "node:http";
import Redis from "ioredis";
import { OrganizationsClient, DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { parseDemoArgs, runDemo, type BotStarter } from "../../scripts/demo";
import { freeLoopbackPort } from "../../scripts/local-redis";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the demo launcher's command line", () => {
  it("defaults to port 3000 and the sandbox's default scenario", () => {
    expect(parseDemoArgs([])).toEqual({ port: 3000 });
  });

  it("takes --port and --scenario, and --help", () => {
    expect(parseDemoArgs(["--port", "3100", "--scenario", "sandbox/scenarios/default.yaml"])).toEqual({
      port: 3100,
      scenario: expect.stringMatching(/sandbox\/scenarios\/default\.yaml$/),
    });
    expect(parseDemoArgs(["--help"])).toBe("help");
  });

  it("refuses what it cannot use, saying why", () => {
    expect(() => parseDemoArgs(["--port", "http"])).toThrow(/--port needs a port number/);
    expect(() => parseDemoArgs(["--scenario", "no/such/file.yaml"])).toThrow(/there is no file/);
    expect(() => parseDemoArgs(["--verbose"])).toThrow(/unknown option --verbose/);
  });
});

describe("running the demo", () => {
  it("starts Redis, the sandbox and the bot wired to both, and stops all of it", async () => {
    const port = await freeLoopbackPort();
    let seenEnv: NodeJS.ProcessEnv = {};
    let botServer: ReturnType<typeof createHttp> | undefined;
    // Stands in for the composition root: records its environment and holds the port like the bot would.
    const fakeBot: BotStarter = async (env) => {
      seenEnv = env;
      botServer = createHttp((_req, res) => res.end("bot"));
      await new Promise<void>((resolve) => botServer?.listen(port, "127.0.0.1", resolve));
      return { close: () => new Promise<void>((resolve) => botServer?.close(() => resolve())) };
    };

    const demo = await runDemo({ port }, fakeBot, { PATH: process.env.PATH });
    const pid = demo.redis.pid as number;
    const dir = demo.redis.dir as string;
    try {
      expect(demo.url).toBe(`http://127.0.0.1:${port}`);
      expect(seenEnv).toMatchObject({
        REDIS_URL: demo.redis.url,
        AWS_ENDPOINT_URL: demo.sandboxUrl,
        OFFBOARD_DEMO_CHANNEL: "1",
        OFFBOARD_PARTNER_WEB_USERS: "U-PAT,U-SAM",
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OFFBOARD_AUDIT_KEY: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const redis = new Redis(seenEnv.REDIS_URL as string, { maxRetriesPerRequest: 1 });
      expect(await redis.ping()).toBe("PONG");
      redis.disconnect();
      // The bot's AWS settings reach the sandbox through the real SDK.
      const organizations = new OrganizationsClient({
        endpoint: seenEnv.AWS_ENDPOINT_URL,
        region: seenEnv.AWS_REGION,
        credentials: {
          accessKeyId: seenEnv.AWS_ACCESS_KEY_ID as string,
          secretAccessKey: seenEnv.AWS_SECRET_ACCESS_KEY as string,
        },
      });
      const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
      expect(Organization?.Id).toBe("o-partner0001");
      organizations.destroy();
    } finally {
      await demo.stop();
    }

    expect(isRunning(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(botServer?.listening).toBe(false);
    await expect(fetch(demo.sandboxUrl)).rejects.toThrow();
  });

  it("stops what it had started when the bot cannot start", async () => {
    let redisUrl = "";
    const failingBot: BotStarter = async (env) => {
      redisUrl = env.REDIS_URL as string;
      throw new Error("test: the bot refuses to start");
    };
    await expect(runDemo({ port: await freeLoopbackPort() }, failingBot, { PATH: process.env.PATH })).rejects.toThrow(
      /refuses to start/,
    );
    const probe = new Redis(redisUrl, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });

  it("refuses a port that is taken before starting anything", async () => {
    const taken = createHttp();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      let started = false;
      await expect(runDemo({ port }, async () => ((started = true), {}), { PATH: process.env.PATH })).rejects.toThrow(
        `port ${port} is already in use`,
      );
      expect(started).toBe(false);
    } finally {
      taken.close();
    }
  });
});
