import type { Block, Button, ConfirmDialog, Message } from "../../src/message";
import { SlackRenderError } from "./slack-errors";

/**
 * The core's message model rendered as Slack Block Kit. The core's markup (`*bold*`, backticks,
 * `<@U…>` mentions) is already Slack mrkdwn, so text passes through; what this file adds is Slack's
 * limits: texts are cut to their maximum, fields are split into sections of ten, a message keeps at
 * most 50 blocks, and button `action_id`s are made unique within their block.
 *
 * @example
 *   const { text, blocks } = renderMessage(message("Case OFB-2026-0042", [header("Case OFB-2026-0042")]));
 *   await client.chat.postMessage({ channel, text, blocks });
 */

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

const plain = (value: string, max: number): SlackBlock => ({
  type: "plain_text",
  text: clip(value, max) || " ",
  emoji: true,
});
const mrkdwn = (value: string, max: number): SlackBlock => ({ type: "mrkdwn", text: clip(value, max) || " " });

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
function sections(value: string): SlackBlock[] {
  const parts: string[] = [];
  let rest = value;
  while (rest.length > slackLimits.sectionText) {
    const cut = rest.lastIndexOf("\n", slackLimits.sectionText);
    const at = cut > slackLimits.sectionText / 2 ? cut : slackLimits.sectionText;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  parts.push(rest);
  return parts.map((part) => ({ type: "section", text: mrkdwn(part, slackLimits.sectionText) }));
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
      return [{ type: "section", text: mrkdwn(mrkdwnLink(block.label, block.url), slackLimits.sectionText) }];
    case "divider":
      return [{ type: "divider" }];
  }
}

/** The whole message: blocks within Slack's 50, the text fallback always set. */
export function renderMessage(body: Message): RenderedMessage {
  let blocks = body.blocks.flatMap(renderBlock);
  if (blocks.length > slackLimits.blocksPerMessage) {
    const omitted = blocks.length - (slackLimits.blocksPerMessage - 1);
    blocks = [
      ...blocks.slice(0, slackLimits.blocksPerMessage - 1),
      {
        type: "context",
        elements: [mrkdwn(`… ${omitted} more block(s) not shown: \`export\` has everything.`, slackLimits.contextText)],
      },
    ];
  }
  return { text: clip(body.text || " ", slackLimits.fallbackText), blocks };
}
