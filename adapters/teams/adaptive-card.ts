import type { Block, Button, Details, Message } from "../../src/message";
import { literal, restoreLiterals, shieldLiterals } from "../../src/message";
import { dateFallback, replaceDateTokens } from "../../src/date-text";
import { namelessPerson, readMentionTokens, replaceMentionTokens } from "../../src/mention";

/**
 * The core's message model rendered as an Adaptive Card (1.5), the way Teams shows rich messages.
 *
 * | message block | card element                                                              |
 * | ------------- | ------------------------------------------------------------------------- |
 * | header        | TextBlock, size Large, weight Bolder                                      |
 * | text          | TextBlock (markdown); a fenced block becomes monospace TextBlocks          |
 * | fields        | FactSet                                                                   |
 * | actions       | ActionSet of Action.Execute (verb = actionId, data = { value })           |
 * | context       | TextBlock, size Small, subtle                                             |
 * | link          | ActionSet with one Action.OpenUrl                                         |
 * | divider       | `separator: true` on the element that follows                             |
 *
 * Adaptive Cards have no confirm dialog: a button with `confirm` becomes an Action.ShowCard whose
 * inner card shows the confirm text and the real Action.Execute — the second, deliberate step.
 *
 * @example
 *   const card = adaptiveCard(message("Hi", [header("Case OFB-2026-0001")]), (id) => names.get(id));
 *   await context.sendActivity({ attachments: [cardAttachment(card)] });
 */
export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
export const adaptiveCardVersion = "1.5";

export type CardElement = Record<string, unknown> & { type: string };
export type CardAction = Record<string, unknown> & { type: string; title: string };

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: string;
  body: CardElement[];
  fallbackText: string;
  /** Teams only: use the full width of the conversation instead of the narrow default. */
  msteams: { width: "Full" };
}

/** Display name of a user id for `<@id>` tokens without a name; undefined when unknown. */
export type NameOf = (userId: string) => string | undefined;

const noNames: NameOf = () => undefined;

/** The user ids mentioned as `<@id>` or `<@id|Name>` anywhere in the message (for name look-ups). */
export function mentionedUserIds(body: Message): string[] {
  const ids = new Set<string>();
  const scan = (value: string): void => {
    for (const token of readMentionTokens(shieldLiterals(value))) ids.add(token.userId);
  };
  scan(body.text);
  for (const block of body.blocks) {
    if (block.type === "header" || block.type === "text" || block.type === "context") scan(block.text);
    if (block.type === "fields") for (const f of block.fields) scan(`${f.label} ${f.value}`);
  }
  return [...ids];
}

/**
 * A character a person wrote, in card markdown: Teams' markdown characters get a backslash, so `*bold*`,
 * `_italic_`, `` `code` `` and `[label](url)` links a person typed show as typed; `<` and `>` need none
 * (card text renders no HTML).
 */
function markdownLiteral(char: string): string {
  return "\\*_~`[]".includes(char) ? `\\${char}` : char;
}

/**
 * The core's small markup as Teams markdown: `*bold*` → `**bold**`, `` `code` `` → the plain words
 * (card TextBlocks have no inline code), `<@id|Name>` / `<@id>` → the person's name, one line break
 * → a paragraph break (a single `\n` is not a line break in card markdown); characters the core escaped
 * (words people wrote, see `literal`) come out as plain characters, never as markdown.
 */
export function teamsMarkdown(text: string, nameOf: NameOf = noNames): string {
  const shielded = names(shieldLiterals(text), nameOf)
    .replace(/`([^`\n]+)`/g, "$1")
    .replace(/(^|[^*\w])\*([^*\s](?:[^*\n]*?[^*\s])?)\*(?=[^*\w]|$)/gm, "$1**$2**")
    .replace(/\r?\n/g, "\n\n");
  return restoreLiterals(shielded, markdownLiteral);
}

/** The words of card markdown without the core's formatting (headers, titles, code lines): names, escapes. */
function teamsWords(text: string, nameOf: NameOf): string {
  return restoreLiterals(names(shieldLiterals(text), nameOf), markdownLiteral);
}

/** Mention tokens as names; plain text (no markdown), for `fallbackText` and activity summaries. */
export function plainText(text: string, nameOf: NameOf = noNames): string {
  return restoreLiterals(names(shieldLiterals(text), nameOf));
}

/** Mention tokens (only the core's own: in shielded text a typed `<@…>` is stand-ins) as names, themselves shielded. */
function names(shielded: string, nameOf: NameOf): string {
  return replaceMentionTokens(shielded, ({ userId, name: given }) => {
    const name = given || nameOf(userId);
    // Someone Teams has not seen and the core cannot name (typed by ids, a configured Slack approver): who they are.
    return shieldLiterals(literal(name ? `@${name.replace(/^@/, "")}` : namelessPerson(userId)));
  });
}

const fencePattern = /```\n?([\s\S]*?)\n?```/g;

/** A text block with fenced code split into markdown TextBlocks and monospace lines. */
function textElements(text: string, nameOf: NameOf): CardElement[] {
  const shielded = shieldLiterals(text);
  const elements: CardElement[] = [];
  let last = 0;
  const prose = (part: string): void => {
    if (part.trim()) elements.push({ type: "TextBlock", text: teamsMarkdown(part.trim(), nameOf), wrap: true });
  };
  // In shielded text a fence a person typed is stand-ins: only the core's fences match.
  for (const match of shielded.matchAll(fencePattern)) {
    prose(shielded.slice(last, match.index));
    // One TextBlock per line: monospace text keeps its lines without markdown paragraph breaks. A monospace
    // TextBlock is still markdown, so the words are escaped as in prose.
    const lines = match[1].split("\n");
    lines.forEach((line, i) =>
      elements.push({
        type: "TextBlock",
        text: line === "" ? " " : teamsWords(line, nameOf),
        fontType: "Monospace",
        wrap: true,
        spacing: i === 0 ? "Default" : "None",
      }),
    );
    last = (match.index ?? 0) + match[0].length;
  }
  prose(shielded.slice(last));
  return elements;
}

const actionStyle = { primary: "positive", danger: "destructive" } as const;

function executeAction(button: Button, title: string): CardAction {
  return {
    type: "Action.Execute",
    title: plainText(title),
    verb: button.actionId,
    data: { value: button.value },
    ...(button.style ? { style: actionStyle[button.style] } : {}),
  };
}

/** A button; with a confirm dialog, a ShowCard whose inner card asks and carries the real action. */
export function cardAction(button: Button, nameOf: NameOf = noNames): CardAction {
  if (!button.confirm) return executeAction(button, button.label);
  const { title, text, confirm } = button.confirm;
  return {
    type: "Action.ShowCard",
    title: plainText(button.label, nameOf),
    card: {
      type: "AdaptiveCard",
      body: [
        { type: "TextBlock", text: teamsMarkdown(title, nameOf), weight: "Bolder", wrap: true },
        { type: "TextBlock", text: teamsMarkdown(text, nameOf), wrap: true },
      ],
      actions: [executeAction(button, confirm)],
    },
  };
}

/** The input id of a date picker's day: Teams merges it into the submit action's `data` (see `pickedDay`). */
export const pickedInputId = "offboard.picked";

/** The day a submitted date picker carries, if any (`YYYY-MM-DD`). */
export function pickedDay(data: Record<string, unknown>): string | undefined {
  const day = data[pickedInputId];
  return typeof day === "string" && day ? day : undefined;
}

/**
 * How much of a Details block a card carries (characters of JSON): a Teams message holds about 28 KB in all, and the
 * card around it needs its share. The core puts what matters first, so the end is what is cut.
 */
export const detailsBudget = 16_000;

/** Details as an Action.ShowCard: its blocks in the inner card, within `detailsBudget`. */
function detailsAction(details: Details, nameOf: NameOf): CardAction {
  const inner: CardElement[] = [];
  let used = 0;
  let omitted = 0;
  for (const block of details.blocks) {
    if (block.type === "divider") continue;
    const elements = blockElements(block, nameOf);
    const size = JSON.stringify(elements).length;
    if (omitted || used + size > detailsBudget) {
      omitted += 1;
      continue;
    }
    inner.push(...elements);
    used += size;
  }
  if (omitted)
    inner.push({
      type: "TextBlock",
      text: `… ${omitted} more part(s) not shown here: export has everything.`,
      size: "Small",
      isSubtle: true,
      wrap: true,
    });
  return {
    type: "Action.ShowCard",
    title: plainText(details.label, nameOf),
    card: { type: "AdaptiveCard", body: inner },
  };
}

function blockElements(block: Exclude<Block, { type: "divider" }>, nameOf: NameOf): CardElement[] {
  switch (block.type) {
    case "header":
      return [{ type: "TextBlock", text: teamsWords(block.text, nameOf), size: "Large", weight: "Bolder", wrap: true }];
    case "text":
      return textElements(block.text, nameOf);
    case "context":
      return [
        { type: "TextBlock", text: teamsMarkdown(block.text, nameOf), size: "Small", isSubtle: true, wrap: true },
      ];
    case "fields":
      return [
        {
          type: "FactSet",
          facts: block.fields.map((f) => ({
            title: teamsWords(f.label, nameOf),
            value: teamsMarkdown(f.value, nameOf),
          })),
        },
      ];
    case "actions":
      return [{ type: "ActionSet", actions: block.buttons.map((b) => cardAction(b, nameOf)) }];
    case "link":
      return [
        {
          type: "ActionSet",
          actions: [{ type: "Action.OpenUrl", title: plainText(block.label, nameOf), url: block.url }],
        },
      ];
    case "datePicker":
      // Input.Date and its submit: Teams merges the day into the action's data under the input's id.
      return [
        {
          type: "Input.Date",
          id: pickedInputId,
          label: "Pick a day",
          ...(block.picker.initialDate ? { value: block.picker.initialDate } : {}),
        },
        {
          type: "ActionSet",
          actions: [
            {
              type: "Action.Execute",
              title: plainText(block.picker.label),
              verb: block.picker.actionId,
              data: { value: block.picker.value },
            },
          ],
        },
      ];
    case "details":
      return [{ type: "ActionSet", actions: [detailsAction(block.details, nameOf)] }];
    case "messageLink":
      return [{ type: "TextBlock", text: teamsWords(block.link.label, nameOf), wrap: true }];
  }
}

/**
 * A date token as Adaptive Card date functions, which Teams shows in the reader's locale and time zone; they work in
 * TextBlock text only, so facts, titles and the fallback text get the UTC fallback.
 */
export function teamsDate(iso: string): string {
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

function withTeamsDates(value: unknown, inTextBlock = false): unknown {
  if (typeof value === "string") return replaceDateTokens(value, inTextBlock ? teamsDate : dateFallback);
  if (Array.isArray(value)) return value.map((item) => withTeamsDates(item));
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(object).map(([k, v]) => [k, withTeamsDates(v, object.type === "TextBlock" && k === "text")]),
    );
  }
  return value;
}

/** Plain text for places outside a card (the activity summary): date tokens as their UTC fallback. */
export function plainSummary(text: string, nameOf: NameOf = noNames): string {
  return replaceDateTokens(plainText(text, nameOf), dateFallback);
}

/** Blocks as card elements, date tokens as card date functions (a form's intro, a notice above a card). */
export function cardElements(blocks: Block[], nameOf: NameOf = noNames): CardElement[] {
  return adaptiveCard({ text: "", blocks }, nameOf).body;
}

/**
 * The answer to one person's press, as a card: the core's notice (an approval recorded, a refusal saying who may)
 * above the card they pressed on, so the card stays in front of them.
 */
export function noticeCard(notice: string, below?: AdaptiveCard): AdaptiveCard {
  const said: CardElement = { type: "TextBlock", text: teamsMarkdown(notice), wrap: true, weight: "Bolder" };
  const card = below ?? adaptiveCard({ text: notice, blocks: [] });
  return {
    ...card,
    body: [withTeamsDates(said) as CardElement, ...(below ? below.body : [])],
    fallbackText: plainSummary(notice),
  };
}

export function adaptiveCard(body: Message, nameOf: NameOf = noNames): AdaptiveCard {
  const elements: CardElement[] = [];
  let separate = false;
  for (const block of body.blocks) {
    if (block.type === "divider") {
      separate = elements.length > 0;
      continue;
    }
    const rendered = blockElements(block, nameOf);
    if (separate && rendered.length > 0) {
      rendered[0] = { ...rendered[0], separator: true, spacing: "Medium" };
      separate = false;
    }
    elements.push(...rendered);
  }
  if (elements.length === 0) elements.push({ type: "TextBlock", text: teamsMarkdown(body.text, nameOf), wrap: true });
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: adaptiveCardVersion,
    body: elements.map((element) => withTeamsDates(element) as CardElement),
    fallbackText: plainSummary(body.text, nameOf),
    msteams: { width: "Full" },
  };
}

/** The card as a Bot Framework attachment. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: adaptiveCardContentType, content: card };
}
