import { existsSync } from "node:fs";
import Redis from "ioredis";
import { startLocalRedis, RedisUnavailableError } from "../../scripts/local-redis";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the demo's local Redis", () => {
  it("starts a private redis-server without persistence, and stop() leaves nothing behind", async () => {
    const local = await startLocalRedis({ env: { PATH: process.env.PATH } });
    expect(local.external).toBe(false);
    expect(local.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const pid = local.pid as number;
    const dir = local.dir as string;
    expect(isRunning(pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);

    const client = new Redis(local.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.ping()).toBe("PONG");
      expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
      expect(await client.config("GET", "save")).toEqual(["save", ""]);
    } finally {
      client.disconnect();
    }

    await local.stop();
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await local.stop(); // twice is harmless
  });

  it("uses REDIS_URL when it is set and starts nothing", async () => {
    const local = await startLocalRedis({ env: { REDIS_URL: "redis://127.0.0.1:6399", PATH: process.env.PATH } });
    expect(local).toMatchObject({ url: "redis://127.0.0.1:6399", external: true });
    expect(local.pid).toBeUndefined();
    await local.stop();
  });

  it("says how to get Redis when there is none", async () => {
    const attempt = startLocalRedis({ env: { PATH: "/nonexistent" } });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install redis-server[\s\S]*brew install redis[\s\S]*REDIS_URL/);
  });
});
