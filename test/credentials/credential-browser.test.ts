import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import {
  accountId,
  lastDirectLink,
  partner,
  recipient,
  startHarness,
  testCredentials,
  type Harness,
} from "./credential-harness";

const chromiumPath = "/usr/bin/chromium";
const screenshots = join(__dirname, "..", "..", "test-output", "credentials");
const haveChromium = existsSync(chromiumPath);
if (!haveChromium)
  console.log(`credential browser test skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium)`);

(haveChromium ? describe : describe.skip)("the credential pages in a real browser", () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    h = await startHarness({ label: "credential-browser" });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("deposits in the browser, reveals once in the recipient's browser, then says 'already retrieved'", async () => {
    const c = await h.seedCase();
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.baseUrl });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      // Failed loads are checked by URL below (the browser's own favicon probe is not ours).
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
    });
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on("pageerror", (e) => problems.push(e.message));

    // The partner approver opens the deposit link the bot sent them and submits the form.
    await h.service.requestDeposit(c.id, accountId, partner, { platform: "web", channelId: "C-case" });
    await page.goto(lastDirectLink(h.chat));
    await page.fill("#email", testCredentials.email);
    await page.fill("#password", testCredentials.password);
    await page.fill("#mfa-notes", testCredentials.mfaNotes);
    await page.screenshot({ path: join(screenshots, "1-deposit-form.png"), fullPage: true });
    await page.click("#deposit-submit");
    await page.waitForSelector("#status.done", { timeout: 10_000 });
    expect(await page.textContent("#status")).toMatch(
      /Deposited\. A one-time link was sent by direct message to Casey Customer/,
    );
    await page.screenshot({ path: join(screenshots, "2-deposited.png"), fullPage: true });

    // The recipient's direct message carries the link; the key is only in its fragment.
    expect(h.chat.last("direct")?.to).toEqual(recipient);
    const link = lastDirectLink(h.chat);
    expect(new URL(link).hash).toMatch(/^#[A-Za-z0-9_-]{43}$/);

    const recipientPage = await (await browser.newContext()).newPage();
    recipientPage.on("pageerror", (e) => problems.push(e.message));
    recipientPage.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
    });
    await recipientPage.goto(link);
    expect(await recipientPage.textContent("main")).toContain(accountId);
    await recipientPage.screenshot({ path: join(screenshots, "3-retrieval-page.png"), fullPage: true });
    await recipientPage.click("#reveal");
    await recipientPage.waitForSelector("#revealed:not([hidden])", { timeout: 10_000 });
    expect(await recipientPage.textContent("#value-email")).toBe(testCredentials.email);
    expect(await recipientPage.textContent("#value-password")).toBe(testCredentials.password);
    expect(await recipientPage.textContent("#value-mfa-notes")).toBe(testCredentials.mfaNotes);
    expect(await recipientPage.textContent(".reminder")).toMatch(/change the password, and set up MFA/);
    // The key has left the address bar once used.
    expect(new URL(recipientPage.url()).hash).toBe("");
    await recipientPage.screenshot({ path: join(screenshots, "4-revealed.png"), fullPage: true });
    expect(h.chat.texts("post").some((t) => /were retrieved on/.test(t))).toBe(true);

    await recipientPage.reload();
    expect(await recipientPage.textContent("#already-retrieved")).toMatch(/already retrieved on \d{4}-\d\d-\d\d/);
    await recipientPage.screenshot({ path: join(screenshots, "5-already-retrieved.png"), fullPage: true });
    expect(h.chat.texts("post").some((t) => /was opened again/.test(t))).toBe(true);

    // The page's own script ran under the strict CSP without a single violation.
    expect(problems).toEqual([]);
    await context.close();
  });

  it("copies a revealed value with its Copy button", async () => {
    const c = await h.seedCase();
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.baseUrl });
    const page = await context.newPage();
    await h.service.requestDeposit(c.id, accountId, partner, { platform: "web", channelId: "C-case" });
    await page.goto(lastDirectLink(h.chat));
    await page.fill("#email", testCredentials.email);
    await page.fill("#password", testCredentials.password);
    await page.click("#deposit-submit");
    await page.waitForSelector("#status.done", { timeout: 10_000 });
    await page.goto(lastDirectLink(h.chat));
    await page.click("#reveal");
    await page.waitForSelector("#revealed:not([hidden])", { timeout: 10_000 });
    await page.click('button[data-copy="value-password"]');
    await page.waitForFunction(
      () => document.querySelector('button[data-copy="value-password"]')?.textContent === "Copied",
    );
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(testCredentials.password);
    await context.close();
  });

  it("refuses to reveal from a link missing its fragment, and consumes nothing", async () => {
    const c = await h.seedCase();
    const context = await browser.newContext();
    const page = await context.newPage();
    await h.service.requestDeposit(c.id, accountId, partner, { platform: "web", channelId: "C-case" });
    await page.goto(lastDirectLink(h.chat));
    await page.fill("#email", testCredentials.email);
    await page.fill("#password", testCredentials.password);
    await page.click("#deposit-submit");
    await page.waitForSelector("#status.done", { timeout: 10_000 });
    const link = lastDirectLink(h.chat);
    await page.goto(link.split("#")[0]);
    expect(await page.isDisabled("#reveal")).toBe(true);
    expect(await page.textContent("#status")).toMatch(/link is incomplete/);
    await page.screenshot({ path: join(screenshots, "6-incomplete-link.png"), fullPage: true });
    expect((await h.cases.get(c.id))?.credentials?.[accountId]?.state).toBe("link_sent");
    await context.close();
  });
});
