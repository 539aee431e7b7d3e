import { createLogger } from "../log/logger";
import { OneTimeFileStore } from "../redis/one-time-file-store";
import { testRedis } from "../../test/support/redis";
import { createFileDownloadRouter, fileDownloadPath } from "./file-download-router";
import { createHttpServer, type RunningHttpServer } from "./http-server";

describe("one-time file downloads (GET /files/<token>)", () => {
  const { redis, prefix, cleanup } = testRedis("file-downloads");
  const files = new OneTimeFileStore(redis, prefix);
  const lines: string[] = [];
  let server: RunningHttpServer;
  let base: string;
  const file = {
    filename: "OFB-2026-0042 résumé.md",
    title: "OFB-2026-0042 report",
    content: "# OFB-2026-0042\n\nZoë’s café — ✓\n",
    mimeType: "text/markdown",
  };

  beforeAll(async () => {
    const logger = createLogger("debug", { write: (line: string) => void lines.push(line) });
    const http = createHttpServer({ logger, readiness: async () => ({ redis: true, workers: true }) });
    http.app.use(createFileDownloadRouter(files, { logger }));
    server = await http.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it("serves the exact bytes once, as an attachment with the UTF-8 file name, then answers 404", async () => {
    const token = await files.put(file);
    const first = await fetch(`${base}${fileDownloadPath(token)}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(first.headers.get("content-disposition")).toBe(
      `attachment; filename="OFB-2026-0042_r_sum_.md"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    );
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(Buffer.from(await first.arrayBuffer()).equals(Buffer.from(file.content, "utf8"))).toBe(true);

    const second = await fetch(`${base}${fileDownloadPath(token)}`);
    expect(second.status).toBe(404);
    expect(await second.text()).toMatch(/already used or has expired/);
  });

  it("gives the file to exactly one of 10 simultaneous downloads", async () => {
    const token = await files.put(file);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await fetch(`${base}${fileDownloadPath(token)}`)).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(9);
  });

  it("keeps only the token's hash in Redis, and forgets the file after its time to live", async () => {
    const shortLived = new OneTimeFileStore(redis, prefix, 1);
    const token = await shortLived.put(file);
    const keys = await redis.keys(`${prefix}file:*`);
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect(keys.every((k) => /file:[0-9a-f]{64}$/.test(k))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await fetch(`${base}${fileDownloadPath(token)}`)).status).toBe(404);
  });

  it("answers 404 to a token of the wrong shape without asking Redis", async () => {
    for (const bad of ["short", "x".repeat(44), "..%2F..%2Fetc%2Fpasswd"])
      expect((await fetch(`${base}/files/${bad}`)).status).toBe(404);
  });

  it("never writes a token to the log", async () => {
    const token = await files.put(file);
    await (await fetch(`${base}${fileDownloadPath(token)}`)).arrayBuffer();
    await (await fetch(`${base}${fileDownloadPath(token)}`)).text();
    // The request line is written when the response has finished, just after the client has it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const log = lines.join("");
    expect(log).toContain("/files/[redacted]");
    expect(log).not.toContain(token);
  });
});
