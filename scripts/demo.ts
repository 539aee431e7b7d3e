/**
 * `npm run demo`: the whole product on one machine with no account anywhere. In one process tree it
 * starts a private Redis (or uses REDIS_URL), the AWS sandbox seeded with a partner organization, and
 * the bot with the demo channel at http://127.0.0.1:3000. Ctrl-C stops all of it and leaves nothing
 * behind.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { defaultScenarioPath, sandboxCredentials, startSandbox } from "../sandbox";
import { defaultDemoUsers, partnerUserIds } from "../adapters/web/demo-users";
import { startLocalRedis, type LocalRedis } from "./local-redis";

export const usage = `Offboard demo: a private Redis, the AWS sandbox and the bot with a demo channel in your browser.

Usage: npm run demo -- [options]

  --port <n>         port of the demo channel and the bot (default 3000)
  --scenario <file>  the sandbox's AWS world, YAML or JSON (default ${defaultScenarioPath})
  --help             this text

Redis: REDIS_URL if set, else the redis-server on PATH on a free port (nothing is persisted).
Audit key: OFFBOARD_AUDIT_KEY if set, else a fresh random one for this run.
Ctrl-C stops everything the demo started.`;

export interface DemoOptions {
  port: number;
  scenario?: string;
}

/** Something the demo started, stopped in reverse order. */
interface Started {
  what: string;
  stop: () => Promise<void>;
}

/** The bot, however the composition root hands it back. */
export interface RunningBot {
  close?: () => Promise<void>;
  stop?: () => Promise<void>;
}

export type BotStarter = (env: NodeJS.ProcessEnv) => Promise<RunningBot>;

/** Reads the command line; `"help"` when the usage was asked for. Throws with the reason on bad input. */
export function parseDemoArgs(argv: string[]): DemoOptions | "help" {
  const options: DemoOptions = { port: 3000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--port": {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          throw new Error(`--port needs a port number from 1 to 65535 (got ${value ?? "nothing"})`);
        options.port = port;
        i++;
        break;
      }
      case "--scenario":
        if (!value) throw new Error("--scenario needs a file: a YAML or JSON sandbox scenario");
        if (!existsSync(value)) throw new Error(`--scenario: there is no file ${resolve(value)}`);
        options.scenario = resolve(value);
        i++;
        break;
      default:
        throw new Error(`unknown option ${flag}; see npm run demo -- --help`);
    }
  }
  return options;
}

/**
 * The bot, in this process: the composition root's `startOffboard(config, options)` with the
 * configuration read from `env`. One call, so the demo follows whatever main.ts wires.
 */
export const startBotInProcess: BotStarter = async (env) => {
  // The AWS SDK resolves its endpoint and credentials from process.env: the bot runs in this process.
  Object.assign(process.env, env);
  const main = (await import("../src/main")) as Record<string, unknown>;
  const { loadConfig } = await import("../src/config");
  const startOffboard = main.startOffboard as ((config: unknown, options: unknown) => Promise<RunningBot>) | undefined;
  if (typeof startOffboard !== "function")
    throw new Error("src/main.ts does not export startOffboard(config, options) yet: the bot cannot start");
  return startOffboard(loadConfig(env, { requirePlatform: true }), { role: "all", host: "127.0.0.1" });
};

/** The environment the bot reads: the private Redis, the sandbox as AWS, the demo channel. */
export function demoEnvironment(
  base: NodeJS.ProcessEnv,
  options: DemoOptions,
  redisUrl: string,
  sandboxUrl: string,
): NodeJS.ProcessEnv {
  return {
    ...base,
    NODE_ENV: base.NODE_ENV ?? "development",
    PORT: String(options.port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${options.port}`,
    REDIS_URL: redisUrl,
    AWS_ENDPOINT_URL: sandboxUrl,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: sandboxCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandboxCredentials.secretAccessKey,
    OFFBOARD_DEMO_CHANNEL: "1",
    OFFBOARD_PARTNER_WEB_USERS: partnerUserIds(defaultDemoUsers).join(","),
    // A fresh audit key per run, as production has its own; set OFFBOARD_AUDIT_KEY to keep one across runs.
    OFFBOARD_AUDIT_KEY: base.OFFBOARD_AUDIT_KEY || randomBytes(32).toString("hex"),
  };
}

export interface RunningDemo {
  url: string;
  redis: LocalRedis;
  sandboxUrl: string;
  /** Stops the bot, the sandbox and the private Redis, in that order; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Redis, the sandbox and the bot. On a failure part-way, whatever had started is stopped
 * again before the error is thrown.
 */
export async function runDemo(
  options: DemoOptions,
  startBot: BotStarter = startBotInProcess,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningDemo> {
  const started: Started[] = [];
  const stopAll = async () => {
    while (started.length > 0) {
      const next = started.pop() as Started;
      await next
        .stop()
        .catch((error: unknown) =>
          console.error(`could not stop ${next.what}: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
  };
  try {
    await assertPortFree(options.port);
    const redis = await startLocalRedis({ env });
    started.push({ what: "Redis", stop: redis.stop });
    const sandbox = await startSandbox({ port: 0, scenario: options.scenario });
    started.push({ what: "the AWS sandbox", stop: sandbox.close });
    const bot = await startBot(demoEnvironment(env, options, redis.url, sandbox.url));
    const stopBot = bot.close ?? bot.stop;
    if (stopBot) started.push({ what: "the bot", stop: () => stopBot.call(bot) });
    let stopping: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${options.port}`,
      redis,
      sandboxUrl: sandbox.url,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", () =>
      reject(
        new Error(
          `port ${port} is already in use: stop what runs there, or choose another with npm run demo -- --port <n>`,
        ),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolvePort()));
  });
}

function banner(demo: RunningDemo): string {
  return [
    "",
    `  Offboard demo is running: open ${demo.url}`,
    "",
    "  1. Act as the partner (Pat) and type /offboard start; answer the questions in the case thread (@Carol names her).",
    "  2. /offboard assign aws @Alex, then approve as Carol (customer), Alex (AWS) and Pat (partner).",
    "  3. As Pat, press Run now; /offboard credentials 222222222222 sends a deposit link to Pat's DMs.",
    "  Two homes: as Pat, /offboard link in the case thread; as Carol, @Offboard join <code> in the Teams-like",
    "  channel Cloud handoff. Side by side (or ?layout=side-by-side) shows both.",
    "",
    `  Redis ${demo.redis.external ? "(REDIS_URL)" : "(private)"} ${demo.redis.url} · AWS sandbox ${demo.sandboxUrl} · Ctrl-C stops everything`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  let options: DemoOptions | "help";
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  if (options === "help") {
    console.log(usage);
    return;
  }

  // The private Redis kills itself and removes its directory if the process exits without stop().
  let demo: RunningDemo | undefined;

  let stopping = false;
  let stopRequestedAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice (from the terminal and relayed by tsx): only a later one forces.
      if (Date.now() - stopRequestedAt < 1500) return;
      console.error(`\n${signal} again: stopping at once`);
      process.exit(130);
    }
    stopping = true;
    stopRequestedAt = Date.now();
    console.log(`\nStopping the demo (${signal})…`);
    const forced = setTimeout(() => {
      console.error("the demo did not stop within 15 s; exiting anyway");
      process.exit(1);
    }, 15_000);
    forced.unref();
    void (demo?.stop() ?? Promise.resolve()).then(() => {
      console.log("Stopped. Nothing is left running.");
      process.exit(0);
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  try {
    demo = await runDemo(options);
  } catch (error) {
    console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (stopping) return;
  console.log(banner(demo));
}

if (require.main === module) void main();
