import { createHmac } from "node:crypto";
import { fakeBot } from "./slack-web-api";

/**
 * Signed requests to a Slack app, in the payload shapes Slack documents: slash commands (form body),
 * Events API `event_callback`s (JSON), `block_actions` and `view_submission` (form body with a JSON
 * `payload`), each with `X-Slack-Request-Timestamp` and the v0 HMAC `X-Slack-Signature`.
 */

/** Obviously fake; never a real secret. */
export const testSigningSecret = "test-signing-secret";
export const testBotToken = "xoxb-test-bot-token";

export interface SlackTestUser {
  id: string;
  /** The user's own workspace: the partner's (`TPARTNER`) or, for Slack Connect guests, their company's. */
  teamId: string;
  name: string;
}

export interface SendOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Replaces the computed signature (forgery tests). */
  signature?: string;
  /** Sets `X-Slack-Retry-Num` (and a retry reason), as Slack does when it redelivers an event. */
  retryNum?: number;
}

export interface SlackAnswer {
  status: number;
  text: string;
  /** Milliseconds from sending to the full HTTP answer. */
  ms: number;
}

/** `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`, as Slack signs. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

let sequence = 0;
const next = (): number => ++sequence;

export class SlackRequester {
  constructor(
    /** The app's events URL, e.g. `http://127.0.0.1:1234/slack/events`. */
    private readonly eventsUrl: string,
    private readonly responseUrlBase = "http://127.0.0.1:9/respond/",
    private readonly secret = testSigningSecret,
    readonly installingTeam: string = fakeBot.teamId,
  ) {}

  async send(body: string, contentType: string, options: SendOptions = {}): Promise<SlackAnswer> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(this.secret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = "http_timeout";
    }
    const started = performance.now();
    const response = await fetch(this.eventsUrl, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  }

  /** The form body of `/offboard <text>` as Slack posts it. */
  commandBody(user: SlackTestUser, channelId: string, text: string): string {
    const n = next();
    return new URLSearchParams({
      token: "test-verification-token",
      team_id: user.teamId,
      team_domain: user.teamId.toLowerCase(),
      channel_id: channelId,
      channel_name: channelId.toLowerCase(),
      user_id: user.id,
      user_name: user.name,
      command: "/offboard",
      text,
      api_app_id: "AOFFBOARD",
      is_enterprise_install: "false",
      response_url: `${this.responseUrlBase}command-${n}`,
      trigger_id: `${n}.trigger.command`,
    }).toString();
  }

  command(user: SlackTestUser, channelId: string, text: string, options?: SendOptions): Promise<SlackAnswer> {
    return this.send(this.commandBody(user, channelId, text), "application/x-www-form-urlencoded", options);
  }

  /** An Events API envelope around `event`; `authorizations[0]` is the installing team, whatever the author's team. */
  eventBody(event: Record<string, unknown>, eventId = `Ev${String(next()).padStart(8, "0")}`): string {
    return JSON.stringify({
      token: "test-verification-token",
      team_id: this.installingTeam,
      api_app_id: "AOFFBOARD",
      event,
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.installingTeam,
          user_id: fakeBot.userId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: event.user_team !== undefined && event.user_team !== this.installingTeam,
      event_context: `4-${eventId}`,
    });
  }

  event(event: Record<string, unknown>, options: SendOptions & { eventId?: string } = {}): Promise<SlackAnswer> {
    return this.send(this.eventBody(event, options.eventId), "application/json", options);
  }

  /** A message event: a thread reply when `threadTs` is given. */
  messageEvent(user: SlackTestUser, channelId: string, text: string, threadTs?: string): Record<string, unknown> {
    const ts = `1770000000.${String(next()).padStart(6, "0")}`;
    return {
      type: "message",
      channel: channelId,
      user: user.id,
      text,
      ts,
      event_ts: ts,
      channel_type: "channel",
      team: user.teamId,
      user_team: user.teamId,
      source_team: user.teamId,
      client_msg_id: `msg-${ts}`,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
  }

  reply(
    user: SlackTestUser,
    channelId: string,
    threadTs: string,
    text: string,
    options?: SendOptions & { eventId?: string },
  ): Promise<SlackAnswer> {
    return this.event(this.messageEvent(user, channelId, text, threadTs), options);
  }

  /** `@Offboard <words>`: the app_mention event (Slack also sends a message event for the same post). */
  mention(
    user: SlackTestUser,
    channelId: string,
    words: string,
    threadTs?: string,
    options?: SendOptions & { eventId?: string },
  ): Promise<SlackAnswer> {
    const base = this.messageEvent(user, channelId, `<@${fakeBot.userId}> ${words}`, threadTs);
    return this.event({ ...base, type: "app_mention", channel_type: undefined }, options);
  }

  memberJoined(userId: string, teamId: string, channelId: string): Promise<SlackAnswer> {
    return this.event({
      type: "member_joined_channel",
      user: userId,
      channel: channelId,
      channel_type: "C",
      team: teamId,
      inviter: fakeBot.userId,
      event_ts: `1770000000.${next()}`,
    });
  }

  /** A button press on a message the bot posted (`message` is the recorded `chat.postMessage` answer). */
  blockActionsBody(
    user: SlackTestUser,
    press: {
      actionId: string;
      value: string;
      channelId: string;
      messageTs: string;
      threadTs?: string;
      actionTs?: string;
      label?: string;
    },
  ): string {
    const n = next();
    const payload = {
      type: "block_actions",
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
      api_app_id: "AOFFBOARD",
      token: "test-verification-token",
      container: {
        type: "message",
        message_ts: press.messageTs,
        channel_id: press.channelId,
        is_ephemeral: false,
        ...(press.threadTs ? { thread_ts: press.threadTs } : {}),
      },
      trigger_id: `${n}.trigger.action`,
      // For a Slack Connect guest, `team` is their own workspace: Bolt's source team is then not the installing one.
      team: { id: user.teamId, domain: user.teamId.toLowerCase() },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: press.channelId, name: press.channelId.toLowerCase() },
      message: {
        type: "message",
        ts: press.messageTs,
        ...(press.threadTs ? { thread_ts: press.threadTs } : {}),
        text: "",
        user: fakeBot.userId,
      },
      response_url: `${this.responseUrlBase}action-${n}`,
      actions: [
        {
          action_id: press.actionId,
          block_id: `b${n}`,
          text: { type: "plain_text", text: press.label ?? press.actionId, emoji: true },
          value: press.value,
          type: "button",
          action_ts: press.actionTs ?? `1770000000.${String(n).padStart(6, "0")}`,
        },
      ],
      state: { values: {} },
    };
    return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  }

  /** A day picked in a `datepicker` element: its `block_actions` carry `selected_date` and the block's id, no value. */
  pickDate(
    user: SlackTestUser,
    pick: { actionId: string; blockId: string; channelId: string; messageTs: string; threadTs?: string; day: string },
    options?: SendOptions,
  ): Promise<SlackAnswer> {
    const body = JSON.parse(
      new URLSearchParams(this.blockActionsBody(user, { ...pick, value: "" })).get("payload")!,
    ) as { actions: Record<string, unknown>[] };
    const [action] = body.actions;
    body.actions = [
      {
        type: "datepicker",
        action_id: pick.actionId,
        block_id: pick.blockId,
        selected_date: pick.day,
        initial_date: null,
        action_ts: action.action_ts,
      },
    ];
    return this.send(
      new URLSearchParams({ payload: JSON.stringify(body) }).toString(),
      "application/x-www-form-urlencoded",
      options,
    );
  }

  press(
    user: SlackTestUser,
    press: Parameters<SlackRequester["blockActionsBody"]>[1],
    options?: SendOptions,
  ): Promise<SlackAnswer> {
    return this.send(this.blockActionsBody(user, press), "application/x-www-form-urlencoded", options);
  }

  /** Submits a modal the bot opened (`view` is the `view` argument of the recorded `views.open`). */
  submit(
    user: SlackTestUser,
    view: Record<string, unknown>,
    values: Record<string, string>,
    options?: SendOptions,
  ): Promise<SlackAnswer> {
    const n = next();
    const blocks = (view.blocks as { block_id: string; element: { type: string; action_id: string } }[]) ?? [];
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of blocks) {
      // Only input blocks carry state (an approval modal has none: its blocks only say what is approved).
      if ((block as { type?: string }).type !== "input") continue;
      const value = values[block.block_id] ?? "";
      const users = [...value.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]);
      state[block.block_id] = {
        [block.element.action_id]:
          block.element.type === "static_select"
            ? {
                type: "static_select",
                selected_option: value ? { value, text: { type: "plain_text", text: value } } : null,
              }
            : block.element.type === "multi_users_select"
              ? { type: "multi_users_select", selected_users: users }
              : { type: "plain_text_input", value: value || null },
      };
    }
    const payload = {
      type: "view_submission",
      team: { id: user.teamId, domain: user.teamId.toLowerCase() },
      user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
      api_app_id: "AOFFBOARD",
      token: "test-verification-token",
      trigger_id: `${n}.trigger.view`,
      view: {
        id: `V${n}`,
        team_id: user.teamId,
        type: "modal",
        ...view,
        state: { values: state },
        hash: `hash-${n}`,
        app_installed_team_id: this.installingTeam,
        bot_id: fakeBot.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.send(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      "application/x-www-form-urlencoded",
      options,
    );
  }
}
