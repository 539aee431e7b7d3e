import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/**
 * Headless Chromium for the browser tests: Debian's `/usr/bin/chromium` driven by playwright-core (no
 * downloaded browser). `.ci/run` installs it; where it is missing the tests skip and say why.
 *
 * @example
 *   (haveChromium ? describe : describe.skip)("the page in a real browser", () => {
 *     beforeAll(async () => (browser = await launchChromium()));
 *     afterAll(() => browser?.close());
 *   });
 */
export const chromiumPath = "/usr/bin/chromium";

export const haveChromium = existsSync(chromiumPath);

/** Prints once, for a test file that skips because there is no browser. */
export function announceSkip(what: string): void {
  if (!haveChromium) console.log(`${what} skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium)`);
}

/** Starts headless Chromium; no sandbox (containers run as root), no GPU, no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * Collects what went wrong on a page: uncaught script errors, console errors (a CSP violation is one)
 * and failed responses. The browser's own favicon probe is not the page's, so it is left out.
 */
export function watchForProblems(page: Page, problems: string[]): void {
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("console", (entry) => {
    // Failed loads are reported by the response listener with their URL.
    if (entry.type() === "error" && !entry.text().startsWith("Failed to load resource"))
      problems.push(`${page.url()}: ${entry.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
      problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
}
