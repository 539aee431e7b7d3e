import type { InputBlock, KnownBlock, ModalView } from "@slack/types";
import type { ChatLocation } from "../../src/identity";
import { text, type FormInput, type FormModel } from "../../src/message";
import { clip, renderBlocks } from "./block-kit";
import { mentionTokenPattern } from "../../src/mention";
import { SlackRenderError } from "./slack-errors";

/**
 * The core's FormModel as a Slack modal, and a submitted modal's values read back. Each form input is
 * one `input` block whose `block_id` is the input's id, so the core's per-field errors map straight onto
 * `response_action: "errors"` (keyed by block_id).
 */

/** The callback id of every ticket modal; the case id travels in `private_metadata` (see `modalMetadataOf`). */
export const ticketModalCallbackId = "offboard.ticket";

/**
 * The callback id of an approval modal (a form of kind `approval`: what is approved, and Approve); the core's
 * callback id (the case, party and fingerprint) travels in `private_metadata`.
 */
export const approvalModalCallbackId = "offboard.approval";

/** The action id of the single element inside each input block. */
const valueActionId = "value";

const limits = {
  title: 24,
  submit: 24,
  label: 2000,
  hint: 2000,
  initialValue: 3000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  blocks: 100,
  privateMetadata: 3000,
} as const;

const plain = (text: string, max: number): { type: "plain_text"; text: string; emoji: boolean } => ({
  type: "plain_text",
  text: clip(text, max) || " ",
  emoji: true,
});

/** The Slack user ids among the mention tokens of a prefilled answer (`<@U1|Jane> <@U2>`). */
function mentionedUserIds(text: string | undefined): string[] {
  return [...(text ?? "").matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]);
}

/** The e-mail addresses of a prefilled answer, for the e-mail box beside a people picker. */
function emailsIn(text: string | undefined): string {
  return (text ?? "")
    .replace(mentionTokenPattern(), " ")
    .split(/[\s,;]+/)
    .filter((w) => w.includes("@"))
    .join(", ");
}

/** The block id of the e-mail box that accompanies a people picker. */
const emailsBlockId = (id: string): string => `${id}.emails`;

function element(input: FormInput): InputBlock["element"] {
  if (input.people) {
    const initialUsers = mentionedUserIds(input.initialValue);
    return {
      type: "multi_users_select",
      action_id: valueActionId,
      placeholder: plain("Choose people", 150),
      ...(initialUsers.length ? { initial_users: initialUsers } : {}),
    };
  }
  if (input.options) {
    if (input.options.length > limits.options)
      throw new SlackRenderError(
        `form input "${input.id}" has ${input.options.length} options; a Slack select allows ${limits.options}`,
      );
    const options = input.options.map((o) => {
      if (o.value.length > limits.optionValue)
        throw new SlackRenderError(
          `option "${o.value}" of "${input.id}" is longer than Slack's ${limits.optionValue} characters`,
        );
      return { text: plain(o.label, limits.optionText), value: o.value };
    });
    const initial = options.find((o) => o.value === input.initialValue);
    return {
      type: "static_select",
      action_id: valueActionId,
      placeholder: plain("Choose", 150),
      options,
      ...(initial ? { initial_option: initial } : {}),
    };
  }
  return {
    type: "plain_text_input",
    action_id: valueActionId,
    multiline: input.multiline,
    ...(input.initialValue ? { initial_value: clip(input.initialValue, limits.initialValue) } : {}),
  };
}

/**
 * Where a modal was opened from: the channel and thread of the message whose button (or the channel of the command)
 * opened it. A `view_submission` belongs to no conversation, so this is how the submit is audited where the person
 * acted (`slack:<channel>/<thread>`).
 */
export interface ModalOrigin {
  channelId: string;
  threadId?: string;
}

/** A modal's `private_metadata` read back: the core's callback id, and where the modal was opened from. */
export interface ModalMetadata {
  callbackId: string;
  openedIn?: ModalOrigin;
}

/** Slack ids as Slack makes them: a channel (C…), a DM (D…) or a private group (G…); a message's `ts`. */
const slackChannelId = /^[CDG][A-Z0-9]{2,40}$/;
const slackTs = /^\d{1,12}\.\d{1,9}$/;

/**
 * `private_metadata` of a modal: `{"form": <callback id>, "in": {"channel": …, "thread": …}}`, or the callback id
 * alone when the modal was opened from nowhere in particular.
 *
 * Trust: Slack keeps a view's `private_metadata` on its side and sends it back only in the signed `view_submission`
 * (and `block_actions`) of the app that opened the view — "A string that will be sent to your app in view_submission
 * and block_actions events. Max length of 3000 characters." (https://docs.slack.dev/reference/views/modal-views).
 * A person in the modal cannot edit it; only a holder of our bot token could open a view with other metadata. So the
 * place it names is the one Slack told us at the press. Still, `readModalMetadata` checks its length and shape and
 * drops an origin that is not a Slack channel and message ts, so nothing but an id of ours reaches the audit trail.
 */
export function modalMetadataOf(callbackId: string, openedIn?: ModalOrigin): string {
  if (!openedIn) return callbackId;
  return JSON.stringify({
    form: callbackId,
    in: { channel: openedIn.channelId, ...(openedIn.threadId ? { thread: openedIn.threadId } : {}) },
  });
}

/**
 * The callback id and origin of a submitted modal's `private_metadata`. Metadata that is not ours in shape counts as a
 * bare callback id (a modal opened before origins were carried; the core refuses a callback id it does not know).
 */
export function readModalMetadata(raw: string | undefined): ModalMetadata {
  const metadata = (raw ?? "").slice(0, limits.privateMetadata);
  if (!metadata.startsWith("{")) return { callbackId: metadata };
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return { callbackId: metadata };
  }
  const { form, in: origin } = (parsed ?? {}) as { form?: unknown; in?: { channel?: unknown; thread?: unknown } };
  if (typeof form !== "string") return { callbackId: metadata };
  const channel = origin?.channel;
  const thread = origin?.thread;
  if (typeof channel !== "string" || !slackChannelId.test(channel)) return { callbackId: form };
  const threadOk = typeof thread === "string" && slackTs.test(thread);
  return { callbackId: form, openedIn: { channelId: channel, ...(threadOk ? { threadId: thread } : {}) } };
}

/**
 * The `view` argument of `views.open`: the form's intro (what it is about), then one input block per input.
 * `openedIn` is where the person pressed the button (or typed the command) that opened it.
 */
export function renderTicketModal(form: FormModel, openedIn?: Pick<ChatLocation, "channelId" | "threadId">): ModalView {
  const intro = renderBlocks(form.intro ?? []) as unknown as KnownBlock[];
  if (form.inputs.length + intro.length > limits.blocks)
    throw new SlackRenderError(`the form has ${form.inputs.length} inputs; a Slack modal holds ${limits.blocks}`);
  // An origin that would not fit is left out rather than the form: the submit is then audited as `slack:-`.
  const withOrigin = modalMetadataOf(form.callbackId, openedIn);
  const metadata = withOrigin.length <= limits.privateMetadata ? withOrigin : form.callbackId;
  if (metadata.length > limits.privateMetadata)
    throw new SlackRenderError("the form's callback id is too long for Slack's private_metadata");
  return {
    type: "modal",
    callback_id: form.kind === "approval" ? approvalModalCallbackId : ticketModalCallbackId,
    private_metadata: metadata,
    title: plain(form.title, limits.title),
    submit: plain(form.submitLabel, limits.submit),
    close: plain("Cancel", limits.submit),
    blocks: [...intro, ...inputBlocks(form)],
  };
}

/** A modal that only says something (an approval's outcome), in place of the submitted one. */
export function noticeModal(title: string, notice: string): ModalView {
  return {
    type: "modal",
    title: plain(title, limits.title),
    close: plain("Close", limits.submit),
    blocks: renderBlocks([text(notice)]) as unknown as KnownBlock[],
  };
}

function inputBlocks(form: FormModel): InputBlock[] {
  return form.inputs.flatMap((input): InputBlock[] => {
    const block: InputBlock = {
      type: "input",
      block_id: input.id,
      // With an e-mail box beside it, either may hold the answer: the core says when both are empty.
      optional: input.optional || Boolean(input.people?.allowEmails),
      label: plain(input.label, limits.label),
      ...(input.hint ? { hint: plain(input.hint, limits.hint) } : {}),
      element: element(input),
    };
    if (!input.people?.allowEmails) return [block];
    const emails = emailsIn(input.initialValue);
    return [
      block,
      {
        type: "input",
        block_id: emailsBlockId(input.id),
        optional: true,
        label: plain(`${input.label}: by e-mail`, limits.label),
        hint: plain(
          "People not in Slack yet: their e-mail addresses, separated by commas. They are invited to the case channel.",
          limits.hint,
        ),
        element: {
          type: "plain_text_input",
          action_id: valueActionId,
          ...(emails ? { initial_value: clip(emails, limits.initialValue) } : {}),
        },
      },
    ];
  });
}

/**
 * One element's state in `view.state.values` (text inputs carry `value`, selects `selected_option`, people pickers
 * `selected_users`).
 */
interface ElementState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_users?: string[] | null;
}

/**
 * `view.state.values` → input id → text ("" for an empty or unselected input). Picked people become
 * mention tokens, and an e-mail box's addresses are appended to its people picker's answer.
 */
export function readTicketModal(
  values: Record<string, Record<string, ElementState>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(values ?? {})) {
    const state = elements[valueActionId] ?? Object.values(elements)[0];
    out[blockId] = state?.selected_users
      ? state.selected_users.map((id) => `<@${id}>`).join(" ")
      : (state?.selected_option?.value ?? state?.value ?? "");
  }
  for (const blockId of Object.keys(out)) {
    if (!blockId.endsWith(".emails")) continue;
    const peopleId = blockId.slice(0, -".emails".length);
    out[peopleId] = [out[peopleId], out[blockId]].filter(Boolean).join(" ");
    delete out[blockId];
  }
  return out;
}
