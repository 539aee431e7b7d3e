import type { MessageRef } from "./identity";

/**
 * The platform-neutral message model. The core renders every message as this data; the Slack adapter
 * turns it into Block Kit, the Teams adapter into Adaptive Cards, the demo channel into HTML.
 *
 * Text uses a small markup every adapter renders: `*bold*`, `` `code` ``, fenced ``` blocks, new lines,
 * and mentions as `<@userId>`. Words people wrote (ticket answers, names, e-mail addresses) go in through
 * `literal()`: a backslash before a markup character makes it a plain character, so user words are never
 * markup, never a mention and never end a code block on any platform (see `literal`).
 * Moments go in as date tokens (`dateText`), which each platform shows in the reader's own time zone.
 *
 * @example
 *   message("Case OFB-2026-0042", [header("Case OFB-2026-0042"), fields([["Status", "collecting"]]),
 *     actions([button("case.status", "Status", "OFB-2026-0042")])])
 */
export interface ConfirmDialog {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface Button {
  /** Routes the press: e.g. `signoff.approve`, `ticket.form`, `run.start`. */
  actionId: string;
  label: string;
  /** Opaque to the platform; the core parses it (case id, party, version, …). */
  value: string;
  style?: "primary" | "danger";
  confirm?: ConfirmDialog;
}

/**
 * A calendar day to pick (Slack `datepicker`, Teams `Input.Date` with its submit button, the demo's
 * `<input type="date">`). A pick comes back as an `action` with this `actionId` and `value`, and the day as
 * `picked` (`YYYY-MM-DD`): the core reads it exactly as if the day had been typed.
 */
export interface DatePicker {
  actionId: string;
  /** Opaque to the platform, as a button's value. */
  value: string;
  /** The label of the submit button where the platform needs one (Teams, demo): "Use this date". */
  label: string;
  /** The day shown first (`YYYY-MM-DD`). */
  initialDate?: string;
}

/**
 * More of a message, on demand: Slack shows only `button` (its press reaches the core, which answers with the view
 * to open in a modal); Teams shows `blocks` in an Action.ShowCard, the demo in an expandable section. The blocks
 * are ordered so that what matters most comes first: a platform that must cut (a card's size) cuts the end.
 */
export interface Details {
  label: string;
  button: Button;
  blocks: Block[];
}

/**
 * A link to a message the bot posted (a case's thread): Slack a permalink (`chat.getPermalink`), elsewhere the
 * label as text. Used where the reader is away from the thread (Slack's App Home).
 */
export interface MessageLink {
  label: string;
  ref: MessageRef;
}

export type Block =
  | { type: "header"; text: string }
  | { type: "text"; text: string }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "actions"; buttons: Button[] }
  | { type: "context"; text: string }
  | { type: "link"; label: string; url: string }
  | { type: "divider" }
  | { type: "datePicker"; picker: DatePicker }
  | { type: "details"; details: Details }
  | { type: "messageLink"; link: MessageLink };

export interface Message {
  /** Plain-text summary: notifications, screen readers and platforms that show no blocks. */
  text: string;
  blocks: Block[];
  /**
   * The message carries a private link (a credential deposit or retrieval link): no platform ever shows it
   * where others can see it. Where a private notice has to fall back to a shared place (Teams, when the 1:1
   * chat cannot be opened), the adapter holds the message and says, without the link, where to get it.
   */
  private?: true;
}

export const message = (text: string, blocks: Block[] = [{ type: "text", text }]): Message => ({ text, blocks });

/** The same message, marked as carrying a private link (see `Message.private`). */
export const privateMessage = (body: Message): Message => ({ ...body, private: true });
export const header = (text: string): Block => ({ type: "header", text });
export const text = (value: string): Block => ({ type: "text", text: value });
export const context = (value: string): Block => ({ type: "context", text: value });
export const divider = (): Block => ({ type: "divider" });
export const link = (label: string, url: string): Block => ({ type: "link", label, url });
export const fields = (pairs: [string, string][]): Block => ({
  type: "fields",
  fields: pairs.map(([label, value]) => ({ label, value })),
});
export const actions = (buttons: Button[]): Block => ({ type: "actions", buttons });
export const datePicker = (picker: DatePicker): Block => ({ type: "datePicker", picker });
export const details = (value: Details): Block => ({ type: "details", details: value });
export const messageLink = (label: string, ref: MessageRef): Block => ({ type: "messageLink", link: { label, ref } });
export const button = (
  actionId: string,
  label: string,
  value: string,
  extra: Partial<Pick<Button, "style" | "confirm">> = {},
): Button => ({ actionId, label, value, ...extra });

/** Moments in each reader's time zone (`dateText`) and calendar days in words (`dayText`): see date-text.ts. */
export { dateText, dayText } from "./date-text";

/**
 * A form: the ticket with every field, or an approval to confirm (Slack modal, Teams card, demo dialog).
 *
 * @example an approval: { kind: "approval", callbackId, title: "Approve for Customer", submitLabel: "Approve",
 *   intro: [text("plan v2 · 4 accounts · …")], inputs: [] }
 */
export interface FormModel {
  /** Carried back on submit (`form` inbound): the case id, or what the core needs to finish (see forms.ts). */
  callbackId: string;
  /**
   * `ticket` (default): inputs the core checks field by field. `approval`: no inputs, the intro says what is
   * approved and submitting is the approval; its answer is a notice (approved, or why not).
   */
  kind?: "ticket" | "approval";
  title: string;
  submitLabel: string;
  /** What the form is about, shown above its inputs. */
  intro?: Block[];
  inputs: FormInput[];
}

export interface FormInput {
  id: string;
  label: string;
  hint?: string;
  optional: boolean;
  multiline: boolean;
  initialValue?: string;
  /** When set, a select of these options (value = option label's key). */
  options?: { value: string; label: string }[];
  /**
   * The input names people: platforms render their people picker (Slack users select, Teams people
   * picker) and hand the picked ids back as mention tokens `<@id>`; with `allowEmails`, also a text box
   * for e-mail addresses of people not on the platform yet (input id `<id>.emails`), appended.
   */
  people?: { allowEmails: boolean };
}

/**
 * The characters `literal` escapes: the core's markup (`*`, `` ` ``, `<` of a mention token, `_`, `~`, the
 * backslash itself) and the platforms' own (`<…>` links and `<!channel>` on Slack, `[label](url)` links in Teams
 * markdown). Backslash escapes of these are also valid CommonMark, so the Markdown export reads them right.
 */
const literalCharacter = /[\\`*_~<>[\]]/g;

/**
 * Words a person wrote, as markup that shows exactly those characters: every markup character gets a
 * backslash. Every view interpolates user-supplied text through it; each adapter renders an escaped
 * character as a plain character of its platform (see `shieldLiterals`).
 *
 * @example text(`Goal: ${literal("*all* <!channel>")}`) // Slack shows "Goal: *all* <!channel>", no bold, no ping
 */
export function literal(value: string): string {
  return value.replace(literalCharacter, "\\$&");
}

/**
 * Stand-ins for escaped characters, from Unicode's private use area (U+E000 + the character's code): a
 * renderer shields the markup first, so its patterns for bold, code, fences and mention tokens see only the
 * core's own markup, then `restoreLiterals` writes each stand-in in the platform's literal form. A stand-in a
 * person typed themselves comes out as the plain character it stands for, never as markup.
 */
const stand = 0xe000;
const escaped = /\\([\\`*_~<>[\]])/g;
const standIn = /[\ue000-\ue07f]/g;

/** The markup with each escaped character (`\*`) replaced by its stand-in. */
export function shieldLiterals(markup: string): string {
  return markup.replace(escaped, (_whole, char: string) => String.fromCharCode(stand + char.charCodeAt(0)));
}

/** Each stand-in as `render` writes its character (default: the plain character). */
export function restoreLiterals(shielded: string, render: (char: string) => string = (char) => char): string {
  return shielded.replace(standIn, (s) => render(String.fromCharCode(s.charCodeAt(0) - stand)));
}

/** The markup's escaped characters as plain characters, the rest as is: for plain-text places. */
export function withoutEscapes(markup: string): string {
  return restoreLiterals(shieldLiterals(markup));
}
