import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { fieldByKey } from "../../src/ticket/fields";
import { announceSkip, haveChromium, watchForProblems } from "../support/browser";
import { useDemoInBrowser } from "../support/demo-in-browser";
import { actAs, appears, botMessage, send } from "../support/demo-page";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * `npm run demo` as a person uses it, in headless Chromium: the partner opens a case, answers the
 * ticket in the thread, three people sign off, the partner runs the handoff against the AWS sandbox,
 * deposits root credentials through the deposit link in their DMs, and the customer's recipient
 * reveals them once from the link in hers. Screenshots of each stage go to test-output/demo/.
 */

const accounts = "222222222222 333333333333";
const rootCredentials = {
  email: "aws-prod-root@acme.example",
  password: "sandbox-secret-Pw-0001",
  mfaNotes: "virtual MFA: sandbox-secret seed, device 'acme-prod-root'",
};

announceSkip("demo browser test");

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

(haveChromium ? describe : describe.skip)("npm run demo in a real browser", () => {
  const session = useDemoInBrowser("demo", { viewport: { width: 1440, height: 900 } });
  let shot = 0;
  // Bounded as a whole under three minutes: 30 s to start, 120 s for the flow, 25 s to stop.

  const snap = async (page: Page, name: string) => {
    shot += 1;
    await page.screenshot({ path: join(session.screenshots, `${String(shot).padStart(2, "0")}-${name}.png`) });
  };

  /** Presses a button, confirms its dialog, and returns once the dialog is gone. */
  const pressAndConfirm = async (page: Page, button: Locator, confirmLabel: string) => {
    await button.click();
    const dialog = await appears(page, page.locator("#confirm-dialog[open]"), `the confirm dialog of ${confirmLabel}`);
    expect(await page.textContent("#confirm-ok")).toBe(confirmLabel);
    return dialog;
  };

  it("takes a case from /offboard start to revealed root credentials, acted by Pat, Carol and Alex", async () => {
    const page = await session.context.newPage();
    const problems: string[] = [];
    watchForProblems(page, problems);
    session.context.on("page", (opened) => watchForProblems(opened, problems));

    // ---- Pat (partner) opens a case in the channel.
    await page.goto(`${session.demo.url}/?user=U-PAT`);
    await appears(page, page.locator('#connection[data-state="live"]'), "the live connection");
    expect(await page.inputValue("#user-switcher")).toBe("U-PAT");
    await send(page, "#channel-input", "/offboard start");
    const caseMessage = botMessage(page, "#channel-messages", /^Offboarding .+ — OFB-\d{4}-\d{4}$/);
    await appears(page, caseMessage, "the case message");
    expect(await caseMessage.locator("h3").textContent()).toMatch(/^Offboarding a customer — /);
    const caseId = /OFB-\d{4}-\d{4}/.exec((await caseMessage.locator("h3").textContent()) ?? "")?.[0] as string;
    await caseMessage.locator(".thread-link").click();
    await appears(
      page,
      page.locator("#thread-messages .body strong", {
        hasText: new RegExp(`^${escapeRegExp(fieldByKey("customerName")?.label as string)}$`),
      }),
      "the first question",
    );
    await snap(page, "case-opened");

    // ---- The ticket, answered in the thread as a person types it (mentions as @Name).
    const answers = validTicketAnswers({ approver: "@Carol", partnerRep: "@Pat", recipient: "@Carol" }, accounts);
    for (let i = 0; i < answers.length; i++) {
      await send(page, "#thread-input", answers[i].text);
      const next = answers[i + 1];
      if (next) {
        const label = fieldByKey(next.field)?.label as string;
        await appears(
          page,
          page.locator("#thread-messages .body strong", { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
          `the question "${label}" after answering ${answers[i].field} with "${answers[i].text}"`,
        );
      }
      if (i === 1)
        expect(await page.locator("#thread-messages .mention", { hasText: "@Carol Chen" }).count()).toBeGreaterThan(0);
    }
    const summary = await appears(
      page,
      botMessage(page, "#thread-messages", new RegExp(`^Ticket for ${caseId}$`)),
      "the ticket summary",
    );
    // People are named in the summary's code block too, not shown as raw ids.
    const summaryText = await summary.locator("pre").innerText();
    expect(summaryText).toMatch(/Customer approvers: @Carol Chen/);
    expect(summaryText).not.toContain("<@U-");
    await snap(page, "ticket-complete");

    // ---- Pat names the AWS approver; the plan and the sign-off message follow.
    await send(page, "#thread-input", "/offboard assign aws @Alex");
    await appears(
      page,
      page.locator("#thread-messages article.message", { hasText: /@Alex Rivera will approve for AWS/ }),
      "the AWS approver named",
    );
    const plan = await appears(
      page,
      botMessage(page, "#thread-messages", new RegExp(`^Plan v1 for ${caseId}$`)),
      "the plan",
      45_000,
    );
    const planText = await plan.innerText();
    expect(planText).toMatch(/222222222222 \(Acme Production\)/);
    expect(planText).toMatch(/333333333333 \(Acme Staging\)/);
    // One row per account with its artifacts counted by kind; the names are in `export`.
    expect(planText).toMatch(/2 accounts · \d+ partner artifacts to remove/);
    expect(planText).toMatch(/222222222222 \(Acme Production\) · ✅ ready · \d+ roles?, .* to remove/);
    await plan.scrollIntoViewIfNeeded();
    await snap(page, "plan");
    const signOff = () => botMessage(page, "#thread-messages", new RegExp(`^Sign-off for ${caseId} \\(plan v1\\)$`));
    await appears(page, signOff().locator("button", { hasText: "Approve for Partner" }), "the sign-off buttons");

    // ---- Three sign-offs by three people, each through its approval form.
    const approvals = [
      { userId: "U-CAROL", name: "Carol Chen", party: "Customer" },
      { userId: "U-ALEX", name: "Alex Rivera", party: "AWS" },
      { userId: "U-PAT", name: "Pat Morgan", party: "Partner" },
    ];
    for (const { userId, name, party } of approvals) {
      await actAs(page, userId, name);
      const button = await appears(
        page,
        signOff().locator("button", { hasText: `Approve for ${party}` }),
        `${name}'s "Approve for ${party}" button`,
      );
      await button.scrollIntoViewIfNeeded();
      // The press is checked first; only then the approval form says what is approved, with its Approve.
      await button.click();
      await appears(page, page.locator("#form-dialog[open]"), `the approval form for ${party}`);
      expect(await page.textContent("#form-submit")).toBe("Approve");
      expect(await page.textContent("#form-inputs")).toContain(`for ${party}`);
      await snap(page, `confirm-${party.toLowerCase()}`);
      await page.click("#form-submit");
      const signed = signOff().locator(".field", { has: page.locator("dt", { hasText: new RegExp(`^${party}$`) }) });
      await appears(page, signed.locator("dd", { hasText: `✅ @${name}` }), `the ${party} sign-off by ${name}`);
    }
    await appears(
      page,
      signOff().locator(".context", { hasText: "All three parties approved." }),
      "all three sign-offs",
    );
    await appears(
      page,
      page.locator("#thread-messages article.message", {
        hasText: `All three parties approved ${caseId}. The handoff is scheduled for`,
      }),
      "the scheduling notice",
    );
    await snap(page, "signed-off");

    // ---- Pat runs it now, from the case message in the channel.
    const runNow = await appears(page, caseMessage.locator("button", { hasText: "Run now" }), "the Run now button");
    await pressAndConfirm(page, runNow, "Run now");
    await snap(page, "confirm-run");
    await page.click("#confirm-ok");
    const progress = botMessage(page, "#thread-messages", new RegExp(`^Handoff progress — ${caseId}$`));
    await appears(page, progress, "the progress message");
    await appears(
      page,
      page.locator("#thread-messages article.message", {
        hasText: new RegExp(`Handoff of ${caseId}: 1 of 2 accounts out; the others need attention`),
      }),
      "the end of the run",
      60_000,
    );
    await appears(page, progress.locator(".context", { hasText: /^Needs attention$/ }), "the final progress");
    const progressText = await progress.innerText();
    // One line per account, each failure once with its reason; the overall line on top.
    expect(progressText).toMatch(/\d\/\d accounts out · 1 needs attention/);
    expect(progressText).toMatch(/✅ 222222222222 \(Acme Production\) — done, out of the partner's organization/);
    expect(progressText).toMatch(/❌ 333333333333 \(Acme Staging\) — stopped at step \d of \d: Leave the organization/);
    expect(progressText).toMatch(/must have a payment method before it can leave the organization/);
    expect(progressText.match(/must have a payment method/g)).toHaveLength(1);
    await appears(
      page,
      page.locator("#thread-messages button", { hasText: "Retry 333333333333" }),
      "the retry button of 333333333333",
    );
    await progress.scrollIntoViewIfNeeded();
    await snap(page, "run-finished");
    expect(await caseMessage.locator(".field", { hasText: "Status" }).innerText()).toMatch(/Needs attention/);

    // ---- Pat asks for the deposit link of 222222222222; it arrives in Pat's DMs.
    await send(page, "#thread-input", "/offboard credentials 222222222222");
    await appears(
      page,
      page.locator("#thread-messages article.message", {
        hasText: /was sent a one-time link to deposit the root credentials of account 222222222222/,
      }),
      "the deposit-link line",
    );
    await appears(page, page.locator("#dm-badge:not([hidden])"), "the unread DM badge");
    await page.click("#nav-direct");
    const depositLink = await appears(
      page,
      page.locator("#channel-messages a.link-block", { hasText: "Deposit the credentials" }),
      "the deposit link in Pat's DMs",
    );
    await snap(page, "pat-dm-deposit-link");
    const [depositPage] = await Promise.all([
      session.context.waitForEvent("page", { timeout: 10_000 }),
      depositLink.click(),
    ]);
    await depositPage.waitForLoadState("domcontentloaded");
    expect(await depositPage.textContent("main")).toContain("222222222222");
    await depositPage.fill("#email", rootCredentials.email);
    await depositPage.fill("#password", rootCredentials.password);
    await depositPage.fill("#mfa-notes", rootCredentials.mfaNotes);
    await depositPage.screenshot({
      path: join(session.screenshots, `${String(++shot).padStart(2, "0")}-deposit-form.png`),
      fullPage: true,
    });
    await depositPage.click("#deposit-submit");
    await depositPage.waitForSelector("#status.done", { timeout: 15_000 });
    expect(await depositPage.textContent("#status")).toMatch(
      /Deposited\. A one-time link was sent by direct message to Carol Chen/,
    );
    await depositPage.screenshot({
      path: join(session.screenshots, `${String(++shot).padStart(2, "0")}-deposited.png`),
      fullPage: true,
    });
    await depositPage.close();

    // ---- Carol, the credential recipient, finds the retrieval link in her DMs and reveals once.
    await page.selectOption("#user-switcher", "U-CAROL");
    await appears(page, page.locator('#connection[data-state="live"]'), "Carol's live connection");
    await page.click("#nav-direct");
    expect(await page.textContent("#pane-subtitle")).toContain("Carol Chen");
    const retrievalLink = await appears(
      page,
      page.locator("#channel-messages a.link-block", { hasText: "Open the credentials" }),
      "the retrieval link in Carol's DMs",
    );
    expect(new URL((await retrievalLink.getAttribute("href")) as string).hash).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    await snap(page, "carol-dm-retrieval-link");
    const [revealPage] = await Promise.all([
      session.context.waitForEvent("page", { timeout: 10_000 }),
      retrievalLink.click(),
    ]);
    await revealPage.waitForLoadState("domcontentloaded");
    expect(await revealPage.textContent("main")).toContain("222222222222");
    await revealPage.screenshot({
      path: join(session.screenshots, `${String(++shot).padStart(2, "0")}-retrieval-page.png`),
      fullPage: true,
    });
    await revealPage.click("#reveal");
    await revealPage.waitForSelector("#revealed:not([hidden])", { timeout: 15_000 });
    expect(await revealPage.textContent("#value-email")).toBe(rootCredentials.email);
    expect(await revealPage.textContent("#value-password")).toBe(rootCredentials.password);
    expect(await revealPage.textContent("#value-mfa-notes")).toBe(rootCredentials.mfaNotes);
    await revealPage.screenshot({
      path: join(session.screenshots, `${String(++shot).padStart(2, "0")}-revealed.png`),
      fullPage: true,
    });
    await revealPage.close();

    // The channel is told, and never sees a credential.
    await page.click("#nav-channel");
    await caseMessage.locator(".thread-link").click();
    await appears(
      page,
      page.locator("#thread-messages article.message", {
        hasText: /root credentials of account 222222222222 were retrieved on/,
      }),
      "the retrieved notice",
    );
    await snap(page, "channel-told-retrieved");
    const everything =
      (await page.locator("#channel-messages").innerText()) + (await page.locator("#thread-messages").innerText());
    expect(everything).not.toContain(rootCredentials.password);

    // The page's scripts ran under their strict CSP without one error or failed request.
    expect(problems).toEqual([]);
  }, 120_000);
});
