import { App, ExpressReceiver, SocketModeReceiver, type AuthorizeResult } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { Router } from "express";
import type { RedisClient } from "../redis/connection";
import type { Logger } from "pino";
import type { Conversation, PartnerDirectory, PlatformChat } from "../../src/ports";
import { boltLogger } from "./bolt-logger";
import { InFlight } from "./in-flight";
import { SlackChat } from "./slack-chat";
import { SlackAdapterError } from "./slack-errors";
import { registerSlackListeners } from "./slack-listeners";
import { SlackPartners } from "./slack-partners";

export { renderMessage, coreActionId } from "./block-kit";
export { renderTicketModal, ticketModalCallbackId } from "./ticket-modal";
export { SlackAdapterError, SlackRenderError, NotInChannelError } from "./slack-errors";

/** The Events API endpoint (slash command, interactivity and events share it; see manifest.yml). */
export const slackEventsPath = "/slack/events";

export interface SlackAdapterOptions {
  /** `xoxb-…` of the installing workspace (single-workspace app). */
  botToken: string;
  /** Verifies every HTTP request (`X-Slack-Signature`); unused in Socket Mode. */
  signingSecret: string;
  /** `xapp-…`: Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base URL (`SLACK_API_URL`), ending with `/`; default Slack's own. */
  apiUrl?: string;
  /** `OFFBOARD_PARTNER_SLACK_USERS`: user ids (U…/W…) and user-group ids (S…). */
  partnerUsers: string[];
  /** Holds the user-group cache; the adapter keeps no state of its own. */
  redis: RedisClient;
  prefix: string;
  logger?: Logger;
  /** Seconds a user group's member list is cached. Default 60. */
  userGroupTtlSeconds?: number;
}

export interface SlackAdapter {
  chat: PlatformChat;
  partners: PartnerDirectory;
  /** Connects the core: from now on requests go to `conversation.handle`. */
  attach(conversation: Conversation): void;
  /** `POST /slack/events`, to mount on the shared express app at `/` before any body parser. Empty in Socket Mode. */
  router: Router;
  /** Present when `appToken` is set: opens the Socket Mode connection. */
  startSocketMode?(): Promise<void>;
  /** Resolves once the work that followed every `ack()` so far has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Waits for that work, then closes the Socket Mode connection if there is one. */
  stop(): Promise<void>;
}

/** The bot's own identity, from `auth.test` on the bot token. */
interface BotIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

/**
 * The Slack adapter: Bolt (HTTP through `ExpressReceiver`, or Socket Mode), the ChatPort on the Web
 * API and partner membership from configuration.
 *
 * Requests from external Slack Connect users carry their own team id; Bolt finds the installation
 * through `authorizations[0]` / `view.app_installed_team_id`, and `authorize` answers with the one bot
 * token whatever the source team, so a customer from another workspace can mention the bot, reply in
 * the thread and press buttons in the shared channel.
 *
 * @example
 *   const slack = createSlackAdapter({ botToken, signingSecret, partnerUsers, redis, prefix });
 *   const conversation = new OffboardConversation({ chat: slack.chat, partners: slack.partners, … });
 *   slack.attach(conversation);
 *   expressApp.use(slack.router); // POST /slack/events
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  if (options.apiUrl && !options.apiUrl.endsWith("/"))
    throw new SlackAdapterError("api", `SLACK_API_URL must end with "/" (got ${options.apiUrl})`);
  const logger = boltLogger(options.logger);
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    logger,
    // A few quick retries, not the default half hour: a chat request must not hang on Slack.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
  const client = new WebClient(options.botToken, clientOptions);
  const partners = new SlackPartners(
    client,
    options.redis,
    options.prefix,
    options.partnerUsers,
    options.userGroupTtlSeconds,
  );
  const chat = new SlackChat(client, () => partners.memberIds());
  const inFlight = new InFlight();

  let identity: Promise<BotIdentity> | undefined;
  const botIdentity = (): Promise<BotIdentity> => {
    identity ??= client.auth.test().then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id }),
      (error: unknown) => {
        identity = undefined; // a failed check is tried again on the next request
        throw error;
      },
    );
    return identity;
  };
  const authorize = async (): Promise<AuthorizeResult> => {
    const bot = await botIdentity();
    return { botToken: options.botToken, botId: bot.botId, botUserId: bot.botUserId, teamId: bot.teamId };
  };

  let receiver: ExpressReceiver | SocketModeReceiver;
  let router: Router;
  if (options.appToken) {
    receiver = new SocketModeReceiver({ appToken: options.appToken, logger });
    router = Router();
  } else {
    const express = new ExpressReceiver({
      signingSecret: options.signingSecret,
      endpoints: slackEventsPath,
      processBeforeResponse: false,
      signatureVerification: true,
      logger,
    });
    receiver = express;
    router = express.router as Router;
  }
  // No conversation store: Bolt's default keeps one in process memory, and Offboard keeps its state in Redis.
  const app = new App({ receiver, authorize, logger, clientOptions, ignoreSelf: true, convoStore: false });

  let conversation: Conversation | undefined;
  registerSlackListeners(app, { conversation: () => conversation, client, chat, inFlight, logger: options.logger });

  let socketStarted = false;
  return {
    chat,
    partners,
    attach(next: Conversation): void {
      conversation = next;
    },
    router,
    ...(options.appToken
      ? {
          async startSocketMode(): Promise<void> {
            await app.start();
            socketStarted = true;
          },
        }
      : {}),
    idle: () => inFlight.idle(),
    async stop(): Promise<void> {
      await inFlight.idle();
      if (socketStarted) {
        await app.stop();
        socketStarted = false;
      }
    },
  };
}
