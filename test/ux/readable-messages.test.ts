import { renderMessage } from "../../adapters/slack/block-kit";
import { adaptiveCard } from "../../adapters/teams/adaptive-card";
import type { Message } from "../../src/message";
import { startFullStack, people, type FullStack } from "../support/full-stack";

/**
 * Dates and people as people read them: every message of a whole handoff (ticket, an account refused as answered,
 * plan, sign-offs, run with its live counts, failure, retry, credentials), recorded where the core hands it to the
 * chat router, rendered by the real Slack and Teams renderers, carries no machine timestamp and no raw user id. The
 * ids stay in the case record and `export`.
 */
const machineTime = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const rawIds = /U-(CAROL|ALEX|PAT|SAM)\b/;

let stack: FullStack;
const sent: Message[] = [];

beforeAll(async () => {
  stack = await startFullStack({});
  const chat = stack.bot.chat;
  for (const method of ["post", "update", "ephemeral", "direct"] as const) {
    const original = chat[method].bind(chat) as (...args: unknown[]) => Promise<unknown>;
    (chat as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      sent.push(args[args.length - 1] as Message);
      return original(...args);
    };
  }
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

/** Every string of a value (texts, fields, labels, confirm dialogs), joined. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** What Slack shows as words: its mention and date tokens are rendered by Slack (names, local time). */
function slackWords(body: Message): string {
  const rendered = renderMessage(body);
  return strings({ text: rendered.text, blocks: rendered.blocks.map((b) => ({ ...b, action_id: "", value: "" })) })
    .join("\n")
    .replace(/<@[^>]+>/g, "@someone")
    .replace(/<!date\^\d+\^[^|>]+\|[^>]+>/g, "(a date)");
}

/** What Teams shows: the card without its action data (button values carry ids for the core, not for people). */
function teamsWords(body: Message): string {
  const card = adaptiveCard(body, () => undefined);
  const visible = JSON.parse(JSON.stringify(card, (key, v) => (key === "data" || key === "verb" ? undefined : v)));
  // Teams shows its date functions in the reader's locale.
  return strings(visible)
    .join("\n")
    .replace(/\{\{(DATE|TIME)\([^)]*\)\}\}/g, "(a date)");
}

describe("dates and people as people read them, through a whole handoff", () => {
  it("shows no machine timestamp and no raw user id on Slack or Teams", async () => {
    let value = await stack.openPlannedCase("222222222222 333333333333 444444444444");
    // An account the organization does not know, refused as it is answered; then the right ones, planned again.
    await stack.command(value, "edit accounts");
    await stack.reply(value, "222222222222 777777777777");
    await stack.reply(value, "222222222222 333333333333 444444444444");
    value = await stack.waitFor(
      (c) => c.status === "awaiting_signoff" && (c.plan?.version ?? 0) > 1,
      30_000,
      "the plan again",
    );
    await stack.approveAll(value);
    value = await stack.caseOf();
    const thread = { platform: "web" as const, channelId: stack.channelId, threadId: value.caseMessage!.messageId };
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "run",
      actor: people.partner,
      location: thread,
    });
    value = await stack.waitFor((c) => c.status === "failed" || c.status === "completed", 60_000, "the run");
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "credentials 222222222222",
      actor: people.partner,
      location: thread,
    });
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "status",
      actor: people.partner,
      location: thread,
    });
    await stack.bot.conversation.workflow.flush();
    expect(sent.length).toBeGreaterThan(20);
    // What is scanned includes the refusal naming the account, and the progress with its live counts.
    const all = sent.map((body) => slackWords(body));
    expect(all.some((words) => /777777777777 is not a member/.test(words))).toBe(true);
    expect(all.some((words) => /· IAM \d+\/\d+/.test(words))).toBe(true);
    const offenders: string[] = [];
    for (const body of sent) {
      for (const [platform, words] of [
        ["slack", slackWords(body)],
        ["teams", teamsWords(body)],
      ] as const) {
        const hit = machineTime.exec(words) ?? rawIds.exec(words) ?? /aad-|\(U-/.exec(words);
        if (hit) offenders.push(`${platform}: …${words.slice(Math.max(0, hit.index - 60), hit.index + 40)}…`);
      }
    }
    expect(offenders).toEqual([]);
    // The machine forms stay in the record (and so in `export`).
    expect(value.signOffs[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  }, 120_000);
});
