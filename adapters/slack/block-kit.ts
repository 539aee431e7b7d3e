import type { Block, Button, ConfirmDialog, DatePicker, Message } from "../../src/message";
import { literal, restoreLiterals, shieldLiterals, withoutEscapes } from "../../src/message";
import { mentionTokenPattern, namelessPerson } from "../../src/mention";
import { dateFallback, replaceDateTokens } from "../../src/date-text";
import { SlackRenderError } from "./slack-errors";

/**
 * The core's message model rendered as Slack Block Kit. The core's markup (`*bold*`, backticks,
 * `<@U…>` mentions) is Slack mrkdwn already; `slackMrkdwn` adds Slack's escaping (`&`, `<`, `>` everywhere
 * but in the core's mention tokens) and writes the characters the core escaped (words people wrote) so Slack
 * shows them as plain characters. The rest is Slack's limits: texts are cut to their maximum, fields are
 * split into sections of ten, a message keeps at most 50 blocks, and button `action_id`s are made unique
 * within their block.
 *
 * @example
 *   const { text, blocks } = renderMessage(message("Case OFB-2026-0042", [header("Case OFB-2026-0042")]));
 *   await client.chat.postMessage({ channel, text, blocks });
 */

const zeroWidthSpace = "\u200b";

/** Slack's three reserved characters; everything else in mrkdwn is written as is. */
function escapeReserved(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A character a person wrote, outside code. mrkdwn has no escape character: a formatting character with a
 * zero-width space on each side sits inside a "word", where Slack never starts or ends bold, italics,
 * strike-through or code, so it shows as itself.
 */
function proseLiteral(char: string): string {
  if ("*_~`".includes(char)) return `${zeroWidthSpace}${char}${zeroWidthSpace}`;
  return escapeReserved(char);
}

/**
 * A character a person wrote, inside code (a fenced block or `inline code`), where Slack formats nothing
 * but three backticks end the block: each backtick of theirs stands between zero-width spaces, so their
 * ``` can never close the core's code block (it reads the same; a copy carries the invisible spaces).
 */
function codeLiteral(char: string): string {
  return char === "`" ? `${zeroWidthSpace}\`${zeroWidthSpace}` : escapeReserved(char);
}

/** A Slack user id (`U…`, `W…` in Enterprise Grid); any other id in a mention token is someone of another platform. */
const slackUserId = /^[UW][A-Z0-9]+$/;

/** The core's code: fenced blocks and inline code, found in shielded markup (user backticks are stand-ins). */
const codePattern = /```[\s\S]*?```|`[^`\n]+`/g;

/**
 * The core's markup as Slack mrkdwn: `&`, `<`, `>` escaped except in mention tokens (which the core makes
 * only from resolved identities; a typed `<@U1>` or `<!channel>` was escaped by `literal` and shows as text),
 * and each escaped character written so Slack shows it as typed.
 *
 * @example slackMrkdwn(`*Goal:* ${literal("<!channel> *now*")}`) // "*Goal:* &lt;!channel&gt; \u200b*\u200bnow…"
 */
export function slackMrkdwn(markup: string): string {
  const shielded = shieldLiterals(markup);
  let escaped = "";
  let last = 0;
  for (const match of shielded.matchAll(mentionTokenPattern())) {
    escaped += escapeReserved(shielded.slice(last, match.index));
    escaped += slackUserId.test(match[1])
      ? `<@${match[1]}${match[2]?.trim() ? `|${escapeReserved(match[2].trim())}` : ""}>`
      : // A person of another platform (a case with a Teams home too): Slack cannot mention them, so their name (their
        // own words: its characters stand in as literals), or which platform they are on when no one named them.
        escapeReserved(shieldLiterals(literal(match[2]?.trim() ? `@${match[2].trim()}` : namelessPerson(match[1]))));
    last = (match.index ?? 0) + match[0].length;
  }
  escaped += escapeReserved(shielded.slice(last));
  let out = "";
  last = 0;
  for (const match of escaped.matchAll(codePattern)) {
    out += restoreLiterals(escaped.slice(last, match.index), proseLiteral);
    out += restoreLiterals(match[0], codeLiteral);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + restoreLiterals(escaped.slice(last), proseLiteral);
}

/** A Block Kit block as sent to the Web API (plain JSON). */
export type SlackBlock = Record<string, unknown>;

export interface RenderedMessage {
  /** The notification / screen-reader fallback Slack requires alongside blocks. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's documented maxima (Block Kit reference, "block elements" and "composition objects"). */
export const slackLimits = {
  blocksPerMessage: 50,
  /** Modals and Home tabs. */
  blocksPerView: 100,
  modalTitle: 24,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  contextText: 3000,
  fallbackText: 4000,
} as const;

/** Cuts `value` to `max` characters, marking the cut with an ellipsis. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** Plain text (headers, buttons, dialog titles): Slack shows it as is, so escaped characters are just characters. */
const plain = (value: string, max: number): SlackBlock => ({
  type: "plain_text",
  text: clip(withoutEscapes(value), max) || " ",
  emoji: true,
});
/** Text already in Slack's mrkdwn. */
const slackText = (value: string, max: number): SlackBlock => ({ type: "mrkdwn", text: clip(value, max) || " " });
/** The core's markup as a mrkdwn text object. */
const mrkdwn = (markup: string, max: number): SlackBlock => slackText(slackMrkdwn(markup), max);

/** `<url|label>` with the characters Slack reserves in links escaped. */
export function mrkdwnLink(label: string, url: string): string {
  const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<${escape(url)}|${escape(label).replace(/\|/g, "¦")}>`;
}

/**
 * Slack requires `action_id`s unique within a block, and the core may put two buttons with the same
 * action on one message (three sign-off buttons share `signoff.approve`): the index is appended here
 * and stripped again by `coreActionId` when the press comes back.
 */
export function slackActionId(actionId: string, index: number): string {
  return `${actionId}#${index}`;
}

/** The core's action id of a pressed Slack button (`signoff.approve#2` → `signoff.approve`). */
export function coreActionId(slackId: string): string {
  return slackId.replace(/#\d+$/, "");
}

function confirmObject(dialog: ConfirmDialog): SlackBlock {
  return {
    title: plain(dialog.title, slackLimits.confirmTitle),
    text: mrkdwn(dialog.text, slackLimits.confirmText),
    confirm: plain(dialog.confirm, slackLimits.confirmButton),
    deny: plain(dialog.deny, slackLimits.confirmButton),
  };
}

function buttonElement(button: Button, index: number): SlackBlock {
  const actionId = slackActionId(button.actionId, index);
  if (actionId.length > slackLimits.actionId)
    throw new SlackRenderError(
      `button action id "${button.actionId}" is longer than Slack's ${slackLimits.actionId} characters`,
    );
  // A cut value would carry a different meaning back (a case id, a hash): refuse instead of clipping.
  if (button.value.length > slackLimits.buttonValue)
    throw new SlackRenderError(
      `button "${button.label}" carries ${button.value.length} characters; Slack allows ${slackLimits.buttonValue}`,
    );
  const element: SlackBlock = {
    type: "button",
    action_id: actionId,
    text: plain(button.label, slackLimits.buttonText),
    value: button.value,
  };
  if (button.style) element.style = button.style;
  if (button.confirm) element.confirm = confirmObject(button.confirm);
  return element;
}

/** Long text goes into as many sections as it needs, cut at line ends where possible. */
function sections(markup: string): SlackBlock[] {
  const parts: string[] = [];
  let rest = slackMrkdwn(markup);
  while (rest.length > slackLimits.sectionText) {
    const cut = rest.lastIndexOf("\n", slackLimits.sectionText);
    const at = cut > slackLimits.sectionText / 2 ? cut : slackLimits.sectionText;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  parts.push(rest);
  return parts.map((part) => ({ type: "section", text: slackText(part, slackLimits.sectionText) }));
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case "header":
      return [{ type: "header", text: plain(block.text, slackLimits.headerText) }];
    case "text":
      return sections(block.text);
    case "fields": {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += slackLimits.fieldsPerSection) {
        const chunk = block.fields.slice(i, i + slackLimits.fieldsPerSection);
        out.push({
          type: "section",
          fields: chunk.map((f) => mrkdwn(`*${f.label}*\n${f.value}`, slackLimits.fieldText)),
        });
      }
      return out;
    }
    case "actions": {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.buttons.length; i += slackLimits.buttonsPerActions) {
        out.push({
          type: "actions",
          elements: block.buttons.slice(i, i + slackLimits.buttonsPerActions).map((b, j) => buttonElement(b, i + j)),
        });
      }
      return out;
    }
    case "context":
      return [{ type: "context", elements: [mrkdwn(block.text, slackLimits.contextText)] }];
    case "link":
      return [
        {
          type: "section",
          text: slackText(mrkdwnLink(withoutEscapes(block.label), block.url), slackLimits.sectionText),
        },
      ];
    case "divider":
      return [{ type: "divider" }];
    case "datePicker":
      return [datePickerBlock(block.picker)];
    case "details":
      // Slack shows the button; its press reaches the core, which answers with the view to open (a modal).
      return [{ type: "actions", elements: [buttonElement(block.details.button, 0)] }];
    case "messageLink":
      // Unresolved (no permalink looked up): the channel, which Slack shows as a link to it.
      return [
        {
          type: "section",
          text: slackText(`${escapeReserved(withoutEscapes(block.link.label))}: <#${block.link.ref.channelId}>`, 3000),
        },
      ];
  }
}

/**
 * The block id of a date picker's block carries the picker's value: Slack's `datepicker` element has no `value`, and a
 * pick's `block_actions` payload gives the element's `block_id` and `selected_date` (see `pickedDate`).
 */
export const datePickerBlockPrefix = "datepicker:";

function datePickerBlock(picker: DatePicker): SlackBlock {
  const blockId = `${datePickerBlockPrefix}${picker.value}`;
  if (blockId.length > slackLimits.blockId)
    throw new SlackRenderError(`date picker value "${picker.value}" is too long for Slack's block_id`);
  return {
    type: "actions",
    block_id: blockId,
    elements: [
      {
        type: "datepicker",
        action_id: slackActionId(picker.actionId, 0),
        placeholder: plain("Pick a day", slackLimits.buttonText),
        ...(picker.initialDate ? { initial_date: picker.initialDate } : {}),
      },
    ],
  };
}

/** The core's blocks as Block Kit blocks, date tokens in Slack's form (no limit applied: see the callers). */
export function renderBlocks(blocks: Block[]): SlackBlock[] {
  return blocks.flatMap(renderBlock).map((block) => withSlackDates(block) as SlackBlock);
}

/** At most `max` blocks; past it, the last says how many were left out and where they all are. */
function withinBlocks(blocks: SlackBlock[], max: number): SlackBlock[] {
  if (blocks.length <= max) return blocks;
  const omitted = blocks.length - (max - 1);
  return [
    ...blocks.slice(0, max - 1),
    {
      type: "context",
      elements: [mrkdwn(`… ${omitted} more block(s) not shown: \`export\` has everything.`, slackLimits.contextText)],
    },
  ];
}

/**
 * A read-only view as a modal (`views.open`): within a modal's 100 blocks, its title Slack's 24 characters. The core
 * orders what matters first (the plan's details name every account needing attention at the top), so a cut cuts the
 * end.
 */
export function renderViewModal(body: Message): Record<string, unknown> {
  const heading = body.blocks.find((b) => b.type === "header");
  return {
    type: "modal",
    title: plain(heading?.type === "header" ? heading.text : body.text, slackLimits.modalTitle),
    close: plain("Close", slackLimits.modalTitle),
    blocks: withinBlocks(renderBlocks(body.blocks), slackLimits.blocksPerView),
  };
}

/** A person's App Home (`views.publish`), within a Home tab's 100 blocks. */
export function renderHomeView(body: Message): Record<string, unknown> {
  return { type: "home", blocks: withinBlocks(renderBlocks(body.blocks), slackLimits.blocksPerView) };
}

/**
 * The core's date tokens in Slack's own form: in mrkdwn a `<!date^…>` token Slack shows in each reader's time zone
 * ("Dec 31, 2026 9:00 AM", "today 9:00 AM"), in plain text the UTC fallback. Done on the rendered blocks, after
 * every text is written as mrkdwn, so the token's `<` is Slack's and not an escaped character.
 */
export function slackDate(iso: string): string {
  const unix = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${dateFallback(iso)}>`;
}

function withSlackDates(value: unknown, within?: string): unknown {
  if (typeof value === "string")
    return within === "mrkdwn" ? replaceDateTokens(value, slackDate) : replaceDateTokens(value, dateFallback);
  if (Array.isArray(value)) return value.map((item) => withSlackDates(item, within));
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    const type = typeof object.type === "string" ? object.type : undefined;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, withSlackDates(v, type)]));
  }
  return value;
}

/** The whole message: blocks within Slack's 50, the text fallback always set. */
export function renderMessage(body: Message): RenderedMessage {
  const blocks = withinBlocks(renderBlocks(body.blocks), slackLimits.blocksPerMessage);
  return {
    text: clip(replaceDateTokens(slackMrkdwn(body.text), dateFallback) || " ", slackLimits.fallbackText),
    blocks,
  };
}
