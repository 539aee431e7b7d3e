import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answersPing, freeLoopbackPort } from "../../scripts/local-redis";

/**
 * A `redis-server` of one test's own, on a free loopback port, persisting every write to its AOF
 * before it answers (`--appendonly yes --appendfsync always`), as production is asked to run Redis.
 * The test can kill it like a crash (`kill()`: SIGKILL, no chance to save anything more) and start it
 * again on the same port and directory (`restart()`), so the AOF is all that carries the state over.
 *
 * @example
 *   const redis = await startPrivateRedis();
 *   await redis.kill();
 *   await redis.restart();
 *   await redis.stop(); // process gone, directory removed
 */
export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** The running server's process id. */
  pid(): number | undefined;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Kills the server (if running) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const startTimeoutMs = 10_000;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), "offboard-fault-redis-"));
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const started = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--loglevel",
        "warning",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let errors = "";
    started.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    child = started;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null)
        throw new Error(`redis-server on port ${port} exited at start: ${errors.trim() || "no output"}`);
      if (await answersPing(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    started.kill("SIGKILL");
    throw new Error(`redis-server on port ${port} did not answer within ${startTimeoutMs} ms`);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGKILL");
    });
  };

  // If the test process dies without afterAll, the server must not outlive it.
  const leaveNothingBehind = (): void => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", leaveNothingBehind);

  await launch();
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: () => child?.pid,
    kill,
    restart: launch,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill();
      rmSync(dir, { recursive: true, force: true });
      process.off("exit", leaveNothingBehind);
    },
  };
}
