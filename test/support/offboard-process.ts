import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freeLoopbackPort } from "../../scripts/local-redis";

/**
 * An Offboard process as production runs one (`npm start -- --role web|worker`, src/main.ts), for tests and
 * benchmarks that need real separate processes: started with tsx, on a free loopback port, and ready once its
 * `/readyz` answers 200.
 */
export interface OffboardProcess {
  role: "web" | "worker";
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`: the whole HTTP side for role web, `/healthz`, `/readyz`, `/metrics` for worker. */
  url: string;
  /** `kill -9`: the process dies without shutting down (no job handed back, no connection closed). */
  killHard(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** The last few KB of its stderr, for failure messages. */
  errors(): string;
}

export interface OffboardProcessOptions {
  role: "web" | "worker";
  /** Added to (and overriding) this process's environment. */
  env: Record<string, string>;
  /** Default 30 s: several processes starting at once on a busy machine compile TypeScript together. */
  readyTimeoutMs?: number;
}

const root = path.resolve(__dirname, "../..");

export async function startOffboardProcess(options: OffboardProcessOptions): Promise<OffboardProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, ["--require", "tsx/cjs", "src/main.ts", "--role", options.role], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "silent", ...options.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (d: Buffer) => (errors = (errors + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const url = `http://127.0.0.1:${port}`;
  const running: OffboardProcess = {
    role: options.role,
    child,
    url,
    errors: () => errors,
    async killHard() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(forced);
    },
  };
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the ${options.role} process exited (${child.exitCode}) before it was ready: ${errors}`);
    const ready = await fetch(`${url}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return running;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await running.killHard();
  throw new Error(`the ${options.role} process was not ready within ${timeoutMs / 1000} s: ${errors}`);
}
