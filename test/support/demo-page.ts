import type { Locator, Page } from "playwright-core";

/**
 * A person at the demo page (adapters/web/demo-static), as the browser tests drive it: waiting for what appears,
 * typing in the channel or the thread, acting as someone else, pressing a button and its confirm dialog.
 */

/** Waits for `locator`; on time-out, says what was awaited and what the thread and channel last showed. */
export async function appears(page: Page, locator: Locator, what: string, timeout = 15_000): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: "visible", timeout });
  } catch {
    const last = async (selector: string) => (await page.locator(selector).allInnerTexts()).slice(-3).join("\n---\n");
    throw new Error(
      `timed out after ${timeout} ms waiting for ${what}.\nThread ends with:\n${await last("#thread-messages article.message")}\nChannel ends with:\n${await last("#channel-messages article.message")}`,
    );
  }
  return locator.first();
}

/** A bot message in a pane, by its heading. */
export function botMessage(page: Page, pane: "#thread-messages" | "#channel-messages", heading: RegExp): Locator {
  return page.locator(`${pane} article.message`, { has: page.locator("h3", { hasText: heading }) });
}

/** The last message of the thread that contains `text`. */
export function threadMessage(page: Page, text: string | RegExp): Locator {
  return page.locator("#thread-messages article.message", { hasText: text }).last();
}

/**
 * Scrolls a message into view for a screenshot. A live message can be redrawn meanwhile (an edit, the thread
 * refreshed), which detaches the element found: the locator is resolved again, a few times.
 */
export async function scrollTo(locator: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await locator.scrollIntoViewIfNeeded({ timeout: 2_000 });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

export async function send(
  page: Page,
  input: "#channel-input" | "#thread-input" | "#teams-input",
  text: string,
): Promise<void> {
  await page.fill(input, text);
  await page.press(input, "Enter");
}

/** Acts as another person with the switcher, waits for their live stream, and reopens the case thread. */
export async function actAs(page: Page, userId: string, name: string): Promise<void> {
  await page.selectOption("#user-switcher", userId);
  await appears(page, page.locator('#connection[data-state="live"]'), `${name}'s live connection`);
  await page.click("#nav-channel");
  await (
    await appears(
      page,
      botMessage(page, "#channel-messages", /^Offboarding /).locator(".thread-link"),
      "the case message",
    )
  ).click();
  await appears(page, page.locator("#thread-pane:not([hidden]) .thread-root"), "the case thread");
}

/** Presses a button and its confirm dialog's OK (whose label must be `confirmLabel`). */
export async function pressAndConfirm(page: Page, button: Locator, confirmLabel: string): Promise<void> {
  await button.click();
  await appears(page, page.locator("#confirm-dialog[open]"), `the confirm dialog of ${confirmLabel}`);
  if ((await page.textContent("#confirm-ok")) !== confirmLabel)
    throw new Error(`the confirm dialog offers "${await page.textContent("#confirm-ok")}", not "${confirmLabel}"`);
  await page.click("#confirm-ok");
}

/** The case's conversation in the demo's Teams-like channel: its card, with the case's replies under it. */
export function teamsCaseConversation(page: Page, caseId: string): Locator {
  return page.locator("#teams-messages .teams-conversation", {
    has: page.locator(".teams-root h3", { hasText: new RegExp(`^Offboarding .+ — ${caseId}$`) }),
  });
}

/** The last reply under a Teams-like conversation that contains `text`. */
export function teamsReply(conversation: Locator, text: string | RegExp): Locator {
  return conversation.locator(".teams-replies article.message", { hasText: text }).last();
}

/** Replies in a Teams-like conversation with its own reply box, as a Teams user does. */
export async function replyInTeams(conversation: Locator, text: string): Promise<void> {
  const open = conversation.locator(".teams-reply-open");
  if (await open.isVisible()) await open.click();
  const box = conversation.locator(".teams-reply-form textarea");
  await box.fill(text);
  await box.press("Enter");
}

/** The one-time code in the `link` answer ("… say @Offboard join ABCD-EFGH …"). */
export function linkCodeIn(words: string): string {
  const code = /join ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(words)?.[1];
  if (!code) throw new Error(`no link code in: ${words}`);
  return code;
}
