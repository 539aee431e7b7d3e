import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants as fsConstants, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A Redis for the demo: either the one `REDIS_URL` names, or a private `redis-server` this process started. */
export interface LocalRedis {
  url: string;
  /** True when it is `REDIS_URL`'s Redis: `stop()` then leaves it alone. */
  external: boolean;
  /** The private server's process id and data directory (absent for an external Redis). */
  pid?: number;
  dir?: string;
  /** Stops the private server and removes its directory; does nothing for an external Redis. Safe to call twice. */
  stop(): Promise<void>;
}

/** No Redis to use: says how to get one. */
export class RedisUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `Offboard needs Redis (6.2 or later) and ${detail}.\n` +
        "  - Debian/Ubuntu: sudo apt-get install redis-server\n" +
        "  - macOS:         brew install redis\n" +
        "  - or point REDIS_URL at a Redis you already run, e.g. REDIS_URL=redis://127.0.0.1:6379",
    );
    this.name = "RedisUnavailableError";
  }
}

export interface LocalRedisOptions {
  /** Where to read REDIS_URL and PATH from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the private server to answer. Default 10 s. */
  startTimeoutMs?: number;
}

/**
 * `REDIS_URL` if it is set; otherwise `redis-server` from PATH on a free loopback port, with a fresh
 * temporary directory and no persistence (AOF off, no RDB snapshots): the demo's state is throwaway.
 *
 * @example
 *   const redis = await startLocalRedis();
 *   process.env.REDIS_URL = redis.url;
 *   …
 *   await redis.stop(); // the server is gone and its directory removed
 */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const env = options.env ?? process.env;
  if (env.REDIS_URL) return { url: env.REDIS_URL, external: true, stop: async () => undefined };

  const binary = findOnPath("redis-server", env.PATH ?? "");
  if (!binary) throw new RedisUnavailableError("REDIS_URL is not set and there is no redis-server on PATH");

  const dir = await mkdtemp(join(tmpdir(), "offboard-redis-"));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let lastProblem = "";
  // A free port can be taken between asking and binding: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const child = spawn(
      binary,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--loglevel",
        "warning",
      ],
      // Its own process group: a Ctrl-C in the terminal reaches us, and we stop Redis last, after the
      // bot has finished with it, instead of Redis quitting under a bot that is still closing.
      { stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const ready = await waitUntilAnswering(port, child, startTimeoutMs);
    if (ready) {
      // If the process exits without stop() (process.exit somewhere, an uncaught error), the server
      // and its directory must not outlive it: an exit handler can only act synchronously.
      const leaveNothingBehind = () => {
        child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      };
      process.once("exit", leaveNothingBehind);
      let stopping: Promise<void> | undefined;
      return {
        url: `redis://127.0.0.1:${port}`,
        external: false,
        pid: child.pid,
        dir,
        stop: () =>
          (stopping ??= stopChild(child)
            .then(() => rm(dir, { recursive: true, force: true }))
            .finally(() => process.off("exit", leaveNothingBehind))),
      };
    }
    await stopChild(child);
    lastProblem = output.trim().split("\n").slice(-3).join(" / ") || "it did not answer in time";
  }
  await rm(dir, { recursive: true, force: true });
  throw new RedisUnavailableError(`the redis-server at ${binary} would not start (${lastProblem})`);
}

function findOnPath(name: string, path: string): string | undefined {
  for (const folder of path.split(delimiter).filter(Boolean)) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not in this folder: try the next.
    }
  }
  return undefined;
}

/** A port nothing listens on now, on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True once the server answers PING; false if it exited or the time ran out. */
async function waitUntilAnswering(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await answersPing(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Does the Redis on this loopback port answer PING (within half a second)? */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** SIGTERM, then SIGKILL if it has not exited within three seconds. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
