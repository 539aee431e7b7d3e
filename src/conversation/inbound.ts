import type { ChatLocation, Identity, MessageRef } from "../identity";
import type { FormModel } from "../message";

/**
 * What a person did, as every chat adapter reports it to the core. Adapters translate their
 * platform's payloads into these and call `Conversation.handle`; they hold no flow logic.
 *
 * Mentions inside `text`/`words` use the neutral token `<@userId>` or `<@userId|Display Name>`
 * (Slack's syntax): the Teams and demo adapters rewrite their mentions into it.
 */
export type Inbound = CommandInbound | ReplyInbound | ActionInbound | FormInbound | MemberJoinedInbound;

interface InboundBase {
  /** Who, from the platform's own identity fields. */
  actor: Identity;
  /**
   * A stable id of this request for idempotency: Slack event_id / trigger_id+action_ts, Teams
   * activity id. A repeat with the same id does nothing.
   */
  requestId: string;
}

/** `/offboard <words>` or `@Offboard <words>` (the words after the command or mention). */
export interface CommandInbound extends InboundBase {
  kind: "command";
  words: string;
  /** The channel, plus `threadId` when the command was given inside a thread. */
  location: ChatLocation;
}

/** A reply in a thread (Slack thread reply, Teams reply chain, demo thread). */
export interface ReplyInbound extends InboundBase {
  kind: "reply";
  text: string;
  /** `threadId` is required: the thread replied in. */
  location: ChatLocation;
}

/** A button press (Slack block_actions, Teams Action.Execute, demo button). */
export interface ActionInbound extends InboundBase {
  kind: "action";
  actionId: string;
  value: string;
  location: ChatLocation;
  /** The message the button was on, when known (to update it in place). */
  message?: MessageRef;
}

/** A submitted form (Slack view_submission, demo form). */
export interface FormInbound extends InboundBase {
  kind: "form";
  /** The FormModel's callbackId: the case id. */
  callbackId: string;
  values: Record<string, string>;
}

/** Someone joined a case channel (Slack member_joined_channel); binds e-mail-invited approvers. */
export interface MemberJoinedInbound extends InboundBase {
  kind: "member_joined";
  location: ChatLocation;
}

/**
 * What the adapter must do in the synchronous answer to the request: open a form (needs the
 * platform's trigger), or show per-field errors on a submitted one (Slack `response_action: errors`).
 * Everything else the core does through the ChatPort.
 */
export interface Outcome {
  openForm?: FormModel;
  formErrors?: Record<string, string>;
  /** A short text the adapter may show inline (Teams invoke response, demo toast). */
  notice?: string;
  /**
   * Work the core carries on with after the answer (posting the ticket summary and starting the plan
   * after a form): the adapter answers the platform first, then may wait for it. It never rejects.
   */
  after?: Promise<void>;
}

/** The core's entry point for every chat adapter. */
export interface Conversation {
  handle(input: Inbound): Promise<Outcome>;
}
