import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import { parseCommand } from "../../src/conversation/commands";
import type { Conversation, Inbound, MessageInbound, Outcome } from "../../src/ports";
import type { ChatLocation, Identity } from "../../src/identity";
import { OffboardFailure } from "../../src/errors";
import { message, withoutEscapes } from "../../src/message";
import type { PlatformChat } from "../../src/ports";
import { InFlight } from "./in-flight";
import { NotInChannelError, SlackAdapterError, slackErrorCode } from "./slack-errors";
import {
  actionFromBlockActions,
  formFromViewSubmission,
  messageFromEvent,
  messageFromMention,
  messageFromSlash,
  type BlockActionsPayload,
  type EventEnvelope,
  type InstallationContext,
  type MessageEventPayload,
  type PressedButton,
  type SlashCommandPayload,
  type ViewSubmissionPayload,
} from "./slack-inbound";
import { publishHome } from "./app-home";
import { renderViewModal } from "./block-kit";
import { approvalModalCallbackId, noticeModal, renderTicketModal, ticketModalCallbackId } from "./ticket-modal";

/** The slash command registered in manifest.yml. */
export const slashCommand = "/offboard";

export interface ListenerDeps {
  /** The conversation once attached; requests before that are acknowledged and dropped with a warning. */
  conversation(): Conversation | undefined;
  client: WebClient;
  chat: PlatformChat;
  inFlight: InFlight;
  logger?: Logger;
}

/**
 * Bolt's listeners: each acknowledges first (Slack wants an answer within 3 s, and with
 * `processBeforeResponse: false` the HTTP answer leaves at `ack()`), then translates the payload and
 * hands it to the conversation. The one exception is a modal submission, whose answer *is* the
 * validation result (`response_action: "errors"`), so it is acknowledged after the core has decided.
 * No flow logic lives here.
 */
export function registerSlackListeners(app: App, deps: ListenerDeps): void {
  const { client, logger } = deps;

  /** Hands an inbound to the core and carries out what only the adapter can (open a modal). */
  const dispatch = async (
    input: Inbound,
    triggerId?: string,
    fallback?: (text: string) => Promise<unknown>,
  ): Promise<Outcome> => {
    const conversation = deps.conversation();
    if (!conversation) {
      logger?.warn({ requestId: input.requestId }, "Slack request before a conversation was attached: dropped");
      return {};
    }
    try {
      const outcome = await conversation.handle(input);
      if (outcome.openForm || outcome.openView) {
        if (!triggerId) throw new SlackAdapterError("api", "a modal can only be opened from a button or a command");
        // A form remembers where it was opened, so its submit is audited there (ticket-modal.ts).
        const openedIn = "location" in input ? input.location : undefined;
        const view = outcome.openForm
          ? renderTicketModal(outcome.openForm, openedIn)
          : renderViewModal(outcome.openView!);
        await client.views.open({ trigger_id: triggerId, view: view as never });
      }
      return outcome;
    } catch (error) {
      const failure = OffboardFailure.of(error);
      logger?.error(
        { err: failure.cause, correlationId: failure.correlationId, requestId: input.requestId, kind: input.kind },
        "Slack request failed",
      );
      await tellFailure(input, failure, fallback);
      return {};
    }
  };

  /** The person who acted learns that it did not go through, privately; nothing is posted in the channel. */
  const tellFailure = async (
    input: Inbound,
    error: OffboardFailure | NotInChannelError,
    fallback?: (text: string) => Promise<unknown>,
  ): Promise<void> => {
    const cause = error instanceof OffboardFailure ? error.cause : error;
    const code = slackErrorCode(cause);
    const text =
      code === "not_in_channel" ||
      code === "channel_not_found" ||
      (cause instanceof SlackAdapterError && cause.code === "not_in_channel")
        ? "Offboard is not in this channel yet: invite it with `/invite @Offboard`, then try again."
        : OffboardFailure.of(error).publicMessage;
    try {
      if (fallback) await fallback(text);
      else if ("location" in input) await deps.chat.ephemeral(input.location, input.actor, message(text));
    } catch (second) {
      logger?.warn({ err: second, requestId: input.requestId }, "could not tell the user about a failed Slack request");
    }
  };

  /**
   * Before `start`: is the channel shared with another organization? (False = one of the partner's own
   * channels, where the core offers a dedicated case channel.) The bot joins a public channel it is not
   * in, so it receives the thread replies; a channel it cannot reach (private, not invited) is
   * `unreachable`, and no case is opened there. Other failures leave `shared` unknown, which the core
   * treats as shared.
   */
  const describeChannel = async (where: ChatLocation): Promise<ChatLocation | "unreachable"> => {
    try {
      const info = await client.conversations.info({ channel: where.channelId });
      const channel = info.channel;
      if (!channel) return where;
      if (channel.is_member === false) {
        if (!channel.is_channel || channel.is_private) return "unreachable";
        await client.conversations.join({ channel: where.channelId });
      }
      return { ...where, shared: Boolean(channel.is_ext_shared || channel.is_shared) };
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === "channel_not_found" || code === "not_in_channel" || code === "method_not_supported_for_channel_type")
        return "unreachable";
      logger?.warn(
        { err: error, channel: where.channelId },
        "conversations.info failed; treating the channel as shared",
      );
      return where;
    }
  };

  /**
   * The command, with the channel described when it is `start`; undefined when the bot can't work there (the person
   * was told).
   */
  const prepareCommand = async (
    input: MessageInbound,
    fallback?: (text: string) => Promise<unknown>,
  ): Promise<MessageInbound | undefined> => {
    if (parseCommand(input.text)?.name !== "start") return input;
    const location = await describeChannel(input.location);
    if (location !== "unreachable") return { ...input, location };
    await tellFailure(input, new NotInChannelError(input.location.channelId), fallback);
    return undefined;
  };

  const installationOf = (context: { teamId?: string; botUserId?: string }): InstallationContext => ({
    teamId: context.teamId,
    botUserId: context.botUserId,
  });

  // Every request's whole processing (listeners included, also after the HTTP answer) is tracked, so
  // `stop()` and the tests can wait for the work that follows `ack()`.
  app.use(async ({ next }) => {
    await deps.inFlight.run(next);
  });

  app.command(slashCommand, async ({ command, ack, context, respond }) => {
    await ack();
    const fallback = (text: string): Promise<unknown> => respond({ response_type: "ephemeral", text });
    const input = await prepareCommand(
      messageFromSlash(command as SlashCommandPayload, installationOf(context)),
      fallback,
    );
    if (input) await dispatch(input, command.trigger_id, fallback);
  });

  // Events are acknowledged by Bolt itself before the listener runs.
  app.event("app_mention", async ({ event, body, context }) => {
    const input = await prepareCommand(
      messageFromMention(event as unknown as MessageEventPayload, body as EventEnvelope, installationOf(context)),
    );
    if (input) await dispatch(input);
  });

  app.event("message", async ({ event, body, context }) => {
    const input = messageFromEvent(
      event as unknown as MessageEventPayload,
      body as EventEnvelope,
      installationOf(context),
    );
    if (input) await dispatch(input);
  });

  app.event("member_joined_channel", async ({ event, body, context }) => {
    if (event.user === context.botUserId) return;
    const actor = await slackPerson(client, event.user, event.team, logger);
    const requestId = `event:${(body as EventEnvelope).event_id ?? `${event.channel}:${event.user}:${event.event_ts}`}`;
    await dispatch({
      kind: "member_joined",
      actor,
      requestId,
      location: { platform: "slack", channelId: event.channel, teamId: context.teamId },
    });
  });

  app.action({ type: "block_actions" }, async ({ ack, body, action, context }) => {
    await ack();
    const button = action as unknown as PressedButton;
    if (!button.action_id || !("action_ts" in button)) return;
    const input = actionFromBlockActions(body as unknown as BlockActionsPayload, button, installationOf(context));
    if (input) await dispatch(input, (body as BlockActionsPayload).trigger_id);
  });

  app.view(ticketModalCallbackId, async ({ ack, body, context }) => {
    const submission = body as unknown as ViewSubmissionPayload & { view: { blocks?: { block_id?: string }[] } };
    const outcome = await dispatch(formFromViewSubmission(submission, installationOf(context)));
    if (outcome.formErrors && Object.keys(outcome.formErrors).length > 0) {
      // Modal errors are plain text: the core's escaped characters (words people wrote) are just characters.
      const errors = Object.fromEntries(Object.entries(outcome.formErrors).map(([k, v]) => [k, withoutEscapes(v)]));
      await ack({ response_action: "errors", errors });
      return;
    }
    // A refusal without a field (not allowed to answer, no such case) is shown on the first input,
    // since a modal has nowhere else to show it; closing silently would look like success.
    const firstBlock = submission.view.blocks?.[0]?.block_id;
    if (outcome.notice && firstBlock) {
      await ack({ response_action: "errors", errors: { [firstBlock]: withoutEscapes(outcome.notice) } });
      return;
    }
    await ack();
    await outcome.after;
  });

  // An approval modal: Slack wants its answer within 3 s, and recording a sign-off posts and updates messages. So the
  // modal says at once that the approval is being recorded, and then what came of it (approved, or why not).
  app.view(approvalModalCallbackId, async ({ ack, body, context }) => {
    const submission = body as unknown as ViewSubmissionPayload & { view: { title?: { text?: string } } };
    const title = submission.view.title?.text ?? "Approval";
    await ack({ response_action: "update", view: noticeModal(title, "Recording your approval…") });
    const outcome = await dispatch(formFromViewSubmission(submission, installationOf(context)));
    const said = withoutEscapes(outcome.notice ?? "Something went wrong; your approval was not recorded.");
    try {
      await client.views.update({ view_id: submission.view.id, view: noticeModal(title, said) });
    } catch (error) {
      logger?.warn({ err: error }, "could not show the outcome of an approval in its modal");
    }
  });

  // A person opened the app's Home tab: their open cases and what each waits on them for.
  app.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== "home") return;
    const envelope = body as EventEnvelope;
    // The person's own team (users.info), as on every other request: a Slack Connect guest keeps theirs.
    const outcome = await dispatch({
      kind: "home_opened",
      actor: await slackPerson(client, event.user, envelope.team_id, logger),
      requestId: `event:${envelope.event_id ?? `${event.user}:${event.event_ts}`}`,
    });
    if (outcome.home) await publishHome(client, event.user, outcome.home, logger);
  });

  app.error(async (error) => {
    logger?.error({ err: error }, "Bolt could not process a Slack request");
  });
}

/**
 * A person known only by user id (who joined a channel, who opened the Home tab), with their own team and the e-mail
 * that binds an approver invited by address (users:read.email).
 */
async function slackPerson(
  client: WebClient,
  userId: string,
  eventTeam: string | undefined,
  logger?: Logger,
): Promise<Identity> {
  try {
    const info = await client.users.info({ user: userId });
    // Only an address the person confirmed owning binds an approver invited by it: an unconfirmed one is whatever
    // was typed into a profile (users.info, `is_email_confirmed`: https://docs.slack.dev/reference/methods/users.info).
    const email = info.user?.is_email_confirmed === true ? info.user.profile?.email : undefined;
    const teamId = info.user?.team_id ?? eventTeam;
    return {
      platform: "slack",
      userId,
      ...(teamId ? { teamId } : {}),
      ...(email ? { email } : {}),
      ...(info.user?.real_name ? { name: info.user.real_name } : {}),
    };
  } catch (error) {
    logger?.warn({ err: error, userId }, "users.info failed for a person known only by user id");
    return { platform: "slack", userId, ...(eventTeam ? { teamId: eventTeam } : {}) };
  }
}
