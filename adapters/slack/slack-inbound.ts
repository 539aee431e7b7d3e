import type { ActionInbound, FormInbound, MessageInbound } from "../../src/ports";
import type { ChatLocation, Identity, MessageRef } from "../../src/identity";
import { coreActionId, datePickerBlockPrefix } from "./block-kit";
import { readModalMetadata, readTicketModal } from "./ticket-modal";

/**
 * Slack payloads translated into the core's Inbound events. Pure functions over the fields Slack
 * documents; the adapter's listeners call them and hand the result to the conversation.
 *
 * Identity is always the platform's: the acting user's id and *their own* team (`user_team`,
 * `user.team_id`), so an external Slack Connect user keeps their company's team id. Where the case
 * lives (`ChatLocation.teamId`) is the installing team, which Bolt resolved from `authorizations[0]` /
 * `view.app_installed_team_id` and our `authorize` returned.
 */

/** The installing team and bot user, as `authorize` put them into Bolt's context. */
export interface InstallationContext {
  teamId?: string;
  botUserId?: string;
}

/**
 * Slack escapes `&`, `<`, `>` in message text. `&lt;` before `@`, `!`, `#` stays escaped, so typed text can't forge a
 * mention.
 */
export function unescapeSlackText(text: string): string {
  return text
    .replace(/&lt;(?![@!#])/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The text of an `@Offboard …` mention without the bot's own mention. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  const bot = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, "g") : /^\s*<@[^>]+>/;
  return text.replace(bot, " ").replace(/\s+/g, " ").trim();
}

function location(channelId: string, installation: InstallationContext, threadId?: string): ChatLocation {
  return { platform: "slack", channelId, teamId: installation.teamId, ...(threadId ? { threadId } : {}) };
}

function person(userId: string, teamId: string | undefined, name?: string): Identity {
  return { platform: "slack", userId, ...(teamId ? { teamId } : {}), ...(name ? { name } : {}) };
}

/** The fields of a slash command request this adapter reads. */
export interface SlashCommandPayload {
  user_id: string;
  user_name?: string;
  team_id: string;
  channel_id: string;
  /** `directmessage` in the person's DM with the bot. */
  channel_name?: string;
  text: string;
  trigger_id: string;
}

/** `/offboard <words>`: requestId is the command's trigger_id (unique per invocation). */
export function messageFromSlash(command: SlashCommandPayload, installation: InstallationContext): MessageInbound {
  return {
    kind: "message",
    actor: person(command.user_id, command.team_id, command.user_name),
    requestId: `command:${command.trigger_id}`,
    text: unescapeSlackText(command.text ?? ""),
    mentionsBot: true,
    direct: command.channel_name === "directmessage",
    location: location(command.channel_id, installation),
  };
}

/** The fields of `message` and `app_mention` events this adapter reads. */
export interface MessageEventPayload {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  /** `im` in a DM with the bot. */
  channel_type?: string;
  /** The author's own team (Slack Connect: the external company's). */
  user_team?: string;
  team?: string;
}

/** The event envelope (`event_callback`) fields read. */
export interface EventEnvelope {
  event_id?: string;
  team_id?: string;
}

function actorOfEvent(event: MessageEventPayload, envelope: EventEnvelope): Identity {
  return person(event.user ?? "", event.user_team ?? event.team ?? envelope.team_id);
}

/** `@Offboard <words>` (top level, or inside a thread: then the location carries `threadId`). */
export function messageFromMention(
  event: MessageEventPayload,
  envelope: EventEnvelope,
  installation: InstallationContext,
): MessageInbound {
  return {
    kind: "message",
    actor: actorOfEvent(event, envelope),
    requestId: `event:${envelope.event_id ?? event.ts}`,
    text: unescapeSlackText(stripBotMention(event.text ?? "", installation.botUserId)),
    mentionsBot: true,
    direct: event.channel_type === "im",
    location: location(event.channel, installation, event.thread_ts),
  };
}

/**
 * Words a person posted (thread reply, channel post, DM), or undefined for what is no one's words: bots, edits and
 * deletions (subtypes other than `thread_broadcast`), and posts that mention the bot (those arrive again as
 * `app_mention`, which carries them). Whether the words mean anything is the core's to decide.
 */
export function messageFromEvent(
  event: MessageEventPayload,
  envelope: EventEnvelope,
  installation: InstallationContext,
): MessageInbound | undefined {
  if (event.type !== "message" || !event.user || event.bot_id) return undefined;
  if (event.subtype !== undefined && event.subtype !== "thread_broadcast") return undefined;
  const text = event.text ?? "";
  if (installation.botUserId && text.includes(`<@${installation.botUserId}`)) return undefined;
  const inThread = Boolean(event.thread_ts) && event.thread_ts !== event.ts;
  return {
    kind: "message",
    actor: actorOfEvent(event, envelope),
    requestId: `event:${envelope.event_id ?? event.ts}`,
    text: unescapeSlackText(text),
    mentionsBot: false,
    direct: event.channel_type === "im",
    location: location(event.channel, installation, inThread ? event.thread_ts : undefined),
  };
}

/** The fields of a `block_actions` payload read. */
export interface BlockActionsPayload {
  user: { id: string; team_id?: string; name?: string; username?: string };
  team?: { id?: string } | null;
  channel?: { id?: string };
  container?: { message_ts?: string; channel_id?: string; thread_ts?: string; is_ephemeral?: boolean };
  message?: { ts?: string; thread_ts?: string };
  trigger_id?: string;
}

/** One element's action in a `block_actions` payload: a button, or a `datepicker` (its day in `selected_date`). */
export interface PressedButton {
  action_id: string;
  value?: string;
  action_ts: string;
  type?: string;
  block_id?: string;
  /** `datepicker`: the day picked, `YYYY-MM-DD`. */
  selected_date?: string | null;
}

/** A date picker's value and day: the value travels in its block's id (the element has none; see block-kit.ts). */
function pickedDate(button: PressedButton): { value: string; picked: string } | undefined {
  if (button.type !== "datepicker") return undefined;
  const blockId = button.block_id ?? "";
  if (!blockId.startsWith(datePickerBlockPrefix) || !button.selected_date) return undefined;
  return { value: blockId.slice(datePickerBlockPrefix.length), picked: button.selected_date };
}

/**
 * A button press, or a day picked in a date picker. requestId is `action_ts` + user: a Slack retry of the same
 * press repeats both and is done once, while a double click is two presses (the core refuses the second sign-off
 * by itself).
 * The location is the thread the button's message lives in (a top-level message is its own thread).
 */
export function actionFromBlockActions(
  body: BlockActionsPayload,
  button: PressedButton,
  installation: InstallationContext,
): ActionInbound | undefined {
  const channelId = body.channel?.id ?? body.container?.channel_id;
  if (!channelId) return undefined;
  const date = pickedDate(button);
  // A date picker cleared (no day), or not one of ours: nothing was picked.
  if (button.type === "datepicker" && !date) return undefined;
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts;
  const message: MessageRef | undefined =
    messageTs && !body.container?.is_ephemeral
      ? { platform: "slack", channelId, messageId: messageTs, ...(threadTs ? { threadId: threadTs } : {}) }
      : undefined;
  return {
    kind: "action",
    actor: person(body.user.id, body.user.team_id ?? body.team?.id ?? undefined, body.user.name ?? body.user.username),
    requestId: `action:${button.action_ts}:${body.user.id}`,
    actionId: coreActionId(button.action_id),
    value: date?.value ?? button.value ?? "",
    location: location(channelId, installation, threadTs ?? messageTs),
    ...(message ? { message } : {}),
    ...(date ? { picked: date.picked } : {}),
  };
}

/** The fields of a `view_submission` payload read. */
export interface ViewSubmissionPayload {
  user: { id: string; team_id?: string; name?: string; username?: string };
  team?: { id?: string } | null;
  trigger_id?: string;
  view: {
    id: string;
    hash?: string;
    private_metadata?: string;
    state?: {
      values?: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;
    };
  };
}

/**
 * A submitted modal (the ticket, an approval). Each submission has its own trigger_id, so a corrected resubmission is a
 * new request. A view_submission belongs to no conversation: `submittedIn` is where the modal was opened from, as our
 * own `private_metadata` carried it (see `modalMetadataOf` for why that can be trusted), in the installing team.
 */
export function formFromViewSubmission(body: ViewSubmissionPayload, installation: InstallationContext): FormInbound {
  const { callbackId, openedIn } = readModalMetadata(body.view.private_metadata);
  return {
    kind: "form",
    actor: person(body.user.id, body.user.team_id ?? body.team?.id ?? undefined, body.user.name ?? body.user.username),
    requestId: `view:${body.trigger_id ?? `${body.view.id}:${body.view.hash ?? ""}`}`,
    callbackId,
    values: readTicketModal(body.view.state?.values),
    ...(openedIn ? { submittedIn: location(openedIn.channelId, installation, openedIn.threadId) } : {}),
  };
}
