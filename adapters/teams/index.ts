import express from "express";
import type { RedisClient } from "../redis/connection";
import type { Logger } from "pino";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from "botbuilder";
import { message } from "../../src/message";
import type { Conversation, EmailDirectory, PartnerDirectory, PlatformChat } from "../../src/ports";
import { OneTimeFileStore } from "../redis/one-time-file-store";
import { readActivityText } from "./activity-text";
import { TeamsConversations } from "./conversation-references";
import { TeamsMemberEmails, type MemberEmailOptions } from "./member-emails";
import { PostedCards } from "./posted-cards";
import { OffboardTeamsBot } from "./teams-bot";
import { TeamsChat } from "./teams-chat";
import { TeamsPartners } from "./teams-partners";

export interface TeamsAdapterOptions {
  /** `MicrosoftAppId`: the bot's Azure app registration. Absent (or `local`) = no authentication. */
  appId?: string;
  /** `MicrosoftAppPassword`: the app's client secret (not for UserAssignedMSI). */
  appPassword?: string;
  /** `MicrosoftAppType`. */
  appType: "MultiTenant" | "SingleTenant" | "UserAssignedMSI";
  /** `MicrosoftAppTenantId`: required for SingleTenant. */
  tenantId?: string;
  /**
   * `TEAMS_LOCAL=1`: no authentication at all. The CloudAdapter then accepts requests without an
   * Authorization header and calls the connector (the request's `serviceUrl`) without a token. Tests and
   * local emulators only; the configuration refuses it in production.
   */
  local: boolean;
  /** AAD object ids of the partner's approvers (`OFFBOARD_PARTNER_TEAMS_USERS`). */
  partnerUsers: string[];
  /**
   * `PUBLIC_BASE_URL`: download links of uploaded files point there (`GET /files/<token>`, see
   * adapters/web/file-download-router.ts). Absent: no uploads on Teams.
   */
  publicBaseUrl?: string;
  redis: RedisClient;
  /** Key prefix of the Teams state in Redis (`OFFBOARD_KEY_PREFIX`). */
  prefix: string;
  logger?: Logger;
  /** How member e-mails are kept and how long the connector may take (defaults: a day, an hour, 2 s). */
  memberEmails?: MemberEmailOptions;
}

export interface TeamsAdapter {
  chat: PlatformChat;
  partners: PartnerDirectory;
  /** The e-mail addresses of Teams users, from the connector, for binding people named by e-mail. */
  emails: EmailDirectory;
  /** Connects the core; activities that arrive before are refused with 503. */
  attach(conversation: Conversation): void;
  /** `POST /api/messages`: the messaging endpoint registered on the Azure Bot resource. */
  router: express.Router;
}

/**
 * The Microsoft Teams adapter: botbuilder's CloudAdapter with ConfigurationBotFrameworkAuthentication
 * (a request whose `Authorization` does not validate gets 401), a TeamsActivityHandler that turns
 * activities into the core's Inbound events, and a ChatPort that renders messages as Adaptive Cards.
 * Every botbuilder import stays in this folder, so moving to the Microsoft 365 Agents SDK (same
 * Activity protocol) is a change of one folder.
 *
 * @example
 *   const teams = createTeamsAdapter({ ...config.teams, redis, prefix: config.keyPrefix, logger });
 *   const conversation = new OffboardConversation({ ..., chat: teams.chat, partners: teams.partners });
 *   teams.attach(conversation);
 *   http.app.use(teams.router);
 */
export function createTeamsAdapter(options: TeamsAdapterOptions): TeamsAdapter {
  const { logger } = options;
  const appId = options.local ? "" : (options.appId ?? "");
  const authentication = new ConfigurationBotFrameworkAuthentication(
    options.local
      ? { MicrosoftAppType: "MultiTenant" }
      : {
          MicrosoftAppId: appId,
          MicrosoftAppPassword: options.appPassword ?? "",
          MicrosoftAppType: options.appType,
          MicrosoftAppTenantId: options.tenantId ?? "",
        },
  );
  const adapter = new CloudAdapter(authentication);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger?.error(
      { err: error, activityType: context.activity.type, activityId: context.activity.id },
      "Teams: a turn failed",
    );
  };

  const conversations = new TeamsConversations(options.redis, options.prefix);
  const cards = new PostedCards(options.redis, options.prefix);
  let conversation: Conversation | undefined;
  const downloads = options.publicBaseUrl
    ? {
        files: new OneTimeFileStore(options.redis, options.prefix),
        publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, ""),
      }
    : undefined;
  const chat = new TeamsChat(adapter, appId, conversations, cards, logger, downloads);
  const bot = new OffboardTeamsBot(
    () => conversation,
    conversations,
    cards,
    logger,
    (where, to, text) => chat.ephemeral(where, to, message(text)),
  );

  /** A person's activity in their 1:1 chat (a message, installing the app): the private links held for them. */
  const deliverHeld = async (activity: Activity): Promise<void> => {
    const userId = activity.from?.aadObjectId;
    if (
      activity.conversation?.conversationType !== "personal" ||
      !userId ||
      activity.from.id === activity.recipient?.id
    )
      return;
    await chat
      .deliverHeld(userId)
      .catch((error: unknown) => logger?.warn({ err: error }, "Teams: could not deliver a held private message yet"));
  };

  const router = express.Router();
  router.post("/api/messages", express.json({ limit: "1mb" }), async (req, res) => {
    if (!conversation) {
      res
        .status(503)
        .json({ error: "Offboard is starting: the Teams adapter is not attached to the conversation yet" });
      return;
    }
    const activity = req.body as { type?: unknown } | undefined;
    if (!activity || typeof activity !== "object" || typeof activity.type !== "string" || activity.type === "") {
      // botbuilder throws on an activity without a type; answer it here, before authentication runs.
      res.status(400).json({ error: "bad_request", message: "the body must be a Bot Framework activity with a type" });
      return;
    }
    await adapter.process(req, res, async (context) => {
      // Remember where every activity came from (conversation update, install, message, invoke), so the
      // bot can post there later from any process.
      if (context.activity.type !== "message")
        await conversations.remember(context.activity, readActivityText(context.activity).mentioned);
      await bot.run(context);
      await deliverHeld(context.activity);
    });
  });

  return {
    chat,
    partners: new TeamsPartners(options.partnerUsers, conversations),
    emails: new TeamsMemberEmails(
      adapter,
      appId,
      conversations,
      options.redis,
      options.prefix,
      logger,
      options.memberEmails,
    ),
    attach(next: Conversation) {
      conversation = next;
    },
    router,
  };
}
