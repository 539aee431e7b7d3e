import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";
import { runDemo, startBotInProcess, type RunningDemo } from "../../scripts/demo";
import { freeLoopbackPort } from "../../scripts/local-redis";
import { launchChromium } from "./browser";
import { deleteKeysWithPrefix, testRedis, testRedisUrl } from "./redis";

export interface DemoInBrowser {
  readonly demo: RunningDemo;
  readonly context: BrowserContext;
  /** test-output/<name>/, emptied before the file's tests run. */
  readonly screenshots: string;
  /** The demo's OFFBOARD_KEY_PREFIX on the shared test Redis, to read what it stored. */
  readonly prefix: string;
}

/**
 * `npm run demo` and a headless Chromium for one test file: started in its beforeAll (the demo on the shared test
 * Redis under a prefix of its own, on a free loopback port), stopped in its afterAll with the prefix's keys removed.
 * Call it inside the `describe` that skips without Chromium.
 *
 * @example const session = useDemoInBrowser("two-homes", { viewport: { width: 1680, height: 1000 } });
 *   it("…", async () => { const page = await session.context.newPage(); await page.goto(session.demo.url); });
 */
export function useDemoInBrowser(name: string, contextOptions: BrowserContextOptions): DemoInBrowser {
  const prefix = `test:${name}-browser:${randomBytes(4).toString("hex")}:`;
  const screenshots = join(__dirname, "..", "..", "test-output", name);
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    demo = await runDemo({ port: await freeLoopbackPort() }, startBotInProcess, {
      ...process.env,
      REDIS_URL: testRedisUrl,
      OFFBOARD_KEY_PREFIX: prefix,
      LOG_LEVEL: "warn",
    });
    browser = await launchChromium();
    context = await browser.newContext(contextOptions);
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await demo?.stop();
    const { redis } = testRedis(`${name}-browser-cleanup`);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }, 25_000);

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start: see the beforeAll failure above`);
    return value;
  };
  return {
    get demo() {
      return started(demo, "the demo");
    },
    get context() {
      return started(context, "Chromium");
    },
    screenshots,
    prefix,
  };
}
