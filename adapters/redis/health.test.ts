import { createServer, type AddressInfo, type Socket } from "node:net";
import { ConfigError } from "../../src/errors";
import { testRedis } from "../../test/support/redis";
import { createRedis } from "./connection";
import { checkRedisVersion, isRedisReady, isSupportedRedisVersion } from "./health";

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("Redis health", () => {
  const { redis, cleanup } = testRedis("health");
  afterAll(cleanup);

  it("reports a reachable Redis as ready", async () => {
    expect(await isRedisReady(redis)).toBe(true);
  });

  it("reports a refused connection as not ready, without throwing", async () => {
    const refused = createRedis(`redis://127.0.0.1:${await closedPort()}`, {
      onError: () => undefined,
      overrides: { retryStrategy: () => null },
    });
    try {
      expect(await isRedisReady(refused, 2000)).toBe(false);
      expect(refused.status).toBe("end");
    } finally {
      // Only when still open: disconnecting an ended client arms an ioredis timer that holds Jest for 2 s.
      if (refused.status !== "end") refused.disconnect();
    }
  });

  it("gives up on a server that never answers after the timeout", async () => {
    // Accepts connections and says nothing: a hung Redis, or a firewall that black-holes.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const hung = createRedis(`redis://127.0.0.1:${port}`, { onError: () => undefined });
    try {
      const started = Date.now();
      expect(await isRedisReady(hung, 300)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      hung.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("accepts the test server's version and refuses anything before 6.2", async () => {
    expect(isSupportedRedisVersion(await checkRedisVersion(redis))).toBe(true);
    expect(["6.2.0", "6.2.14", "7.0.15", "7.4.1", "10.0.0"].map(isSupportedRedisVersion)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["6.0.16", "5.0.14", "unknown"].map(isSupportedRedisVersion)).toEqual([false, false, false]);
  });

  it("names REDIS_URL when the server is too old", async () => {
    const tooOld = { info: async () => "# Server\r\nredis_version:6.0.16\r\n" } as unknown as Parameters<
      typeof checkRedisVersion
    >[0];
    await expect(checkRedisVersion(tooOld)).rejects.toThrow(ConfigError);
    await expect(checkRedisVersion(tooOld)).rejects.toThrow(/REDIS_URL: the server runs Redis 6\.0\.16/);
  });
});
