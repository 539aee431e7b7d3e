import type { Browser } from "playwright-core";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { createDemoChannel, type DemoChannel } from "../../adapters/web/demo-channel";
import { createHttpServer, type RunningHttpServer } from "../../adapters/web/http-server";
import { createLogger } from "../../adapters/log/logger";
import { ChatRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import { announceSkip, haveChromium, launchChromium } from "../support/browser";
import { testAuditKeys } from "../support/audit-keys";
import { testRedis } from "../support/redis";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * Words people wrote are text in the demo channel's page: the real conversation on the demo channel, the
 * ticket answered through the demo API with a customer name and a goal full of markup, and the page in headless
 * Chromium showing those characters as text (no link, no bold, no mention chip, the code block whole).
 */
announceSkip("demo user-text browser test");

const forged = "``` <!channel> <https://evil.example|Open your root credentials> *bold* <@U-PAT|Boss>";
const customerName = `Acme ${forged}`;
const goal = `Leave. ${forged} _now_`;

(haveChromium ? describe : describe.skip)("words people wrote, in the demo page", () => {
  const { redis, prefix, cleanup } = testRedis("demo-user-text");
  let demo: DemoChannel;
  let server: RunningHttpServer;
  let browser: Browser | undefined;
  let base: string;

  const send = async (user: string, text: string, threadId?: string): Promise<void> => {
    const res = await fetch(`${base}/demo/api/message`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user, text, threadId }),
    });
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()} for ${text}`);
  };

  beforeAll(async () => {
    demo = createDemoChannel({ redis, prefix });
    const cases = new RedisCaseStore(redis, prefix);
    const conversation = new OffboardConversation({
      cases,
      audit: new RedisAuditLog(redis, prefix, testAuditKeys),
      idempotency: new RedisIdempotencyStore(redis, prefix),
      chat: new ChatRouter({ web: demo.chat }),
      partners: demo.partnerDirectory,
      clock: { now: () => new Date() },
    });
    const http = createHttpServer({
      logger: createLogger("silent"),
      readiness: async () => ({ redis: true, workers: true }),
    });
    http.app.use(demo.router(conversation));
    server = await http.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${server.port}`;

    await send("U-PAT", "/offboard start");
    const session = (await (await fetch(`${base}/demo/api/session`)).json()) as { channel: { id: string } };
    const id = await cases.findByLocation({ platform: "web", channelId: session.channel.id });
    const thread = (await cases.get(id!))!.caseMessage!.messageId;
    const answers = validTicketAnswers({
      approver: "@Carol Chen",
      partnerRep: "@Pat Morgan",
      recipient: "@Carol Chen",
    });
    for (const answer of answers) {
      const text = answer.field === "customerName" ? customerName : answer.field === "goal" ? goal : answer.text;
      await send("U-PAT", text, thread);
    }
    expect((await cases.get(id!))!.status).toBe("awaiting_signoff");
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await demo.close();
    await server.close();
    await cleanup();
  });

  it("shows the case message's header and the ticket summary's code block with the characters as typed", async () => {
    const page = await browser!.newPage();
    await page.goto(`${base}/?user=U-CAROL`);
    const caseMessage = page.locator("#channel-messages article.message", {
      has: page.locator("h3", { hasText: /^Offboarding / }),
    });
    await caseMessage.locator(".thread-link").click({ timeout: 10_000 });
    expect(await caseMessage.locator("h3").textContent()).toMatch(/^Offboarding Acme ``` <!channel> <https:\/\/evil/);

    const summary = page.locator("#thread-messages article.message", {
      has: page.locator("h3", { hasText: /^Ticket for / }),
    });
    await summary.waitFor({ timeout: 10_000 });
    expect(await summary.locator("pre").count()).toBe(1);
    const code = (await summary.locator("pre").textContent()) ?? "";
    expect(code).toContain(`Goal: ${goal}`);
    expect(code).toContain(`Customer company: ${customerName}`);

    const thread = page.locator("#thread-messages");
    expect(await page.locator('a[href*="evil.example"]').count()).toBe(0);
    expect(await thread.locator("strong", { hasText: "bold" }).count()).toBe(0);
    expect(await thread.locator("em", { hasText: "now" }).count()).toBe(0);
    expect(await page.locator(".mention", { hasText: "Boss" }).count()).toBe(0);
    // The person's own reply shows their words too, not a link or a mention they typed.
    expect(await thread.locator("article.message", { hasText: `Leave. ${forged}` }).count()).toBeGreaterThan(0);
    await page.close();
  }, 30_000);
});
