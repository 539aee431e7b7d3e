import type express from "express";
import type { RedisClient } from "../redis/connection";
import type { Logger } from "pino";
import type { Conversation } from "../../src/ports";
import type { Identity } from "../../src/identity";
import type { PartnerDirectory, PlatformChat } from "../../src/ports";
import { OneTimeFileStore } from "../redis/one-time-file-store";
import { createDemoApiRouter, type DemoChannelInfo } from "./demo-api";
import { DemoChat } from "./demo-chat";
import { DemoEventHub } from "./demo-event-hub";
import { DemoMessageStore } from "./demo-message-store";
import { defaultDemoUsers, demoIdentity, partnerUserIds, type DemoUser } from "./demo-users";

export interface DemoChannelOptions {
  /** The store's connection; the live updates open one more (a subscriber) from it. */
  redis: RedisClient;
  /** Key prefix (OFFBOARD_KEY_PREFIX); the channel's keys live under `<prefix>demo:`. */
  prefix: string;
  /** Who one can act as. Default: two customer admins, an AWS representative, two partner operators. */
  users?: readonly DemoUser[];
  /** OFFBOARD_PARTNER_WEB_USERS. Default: the users whose party is `partner`. */
  partnerUsers?: readonly string[];
  /** The Slack-like channel: the case's first home in the demo. */
  channel?: Partial<DemoChannelInfo>;
  /** The Teams-like channel beside it: a second home a case joins with `link` / `join <code>`. */
  teamsChannel?: Partial<DemoChannelInfo>;
  logger?: Logger;
}

export interface DemoChannel {
  /** The chat platform `web`. */
  chat: PlatformChat;
  /** The page, its API and its live updates, to mount at the root of the app. */
  router(conversation: Conversation): express.Router;
  /** Partner membership of demo users. */
  partnerDirectory: PartnerDirectory;
  users: readonly DemoUser[];
  /** The Slack-like channel, where cases start. */
  channel: DemoChannelInfo;
  /** Both channels, the Slack-like one first. */
  channels: readonly DemoChannelInfo[];
  /** Ends the open live-update streams and closes the subscriber connection (not `redis`). */
  close(): Promise<void>;
}

export const defaultDemoChannel: DemoChannelInfo = {
  id: "C-DEMO",
  name: "acme-offboarding",
  installTeamId: "T-PARTNER",
  look: "slack",
  place: "Partner Cloud · Slack",
};

/**
 * The second conversation of the demo, drawn like a Teams channel: the customer's side when the partner works in
 * Slack and the customer in Teams. Both are the demo platform (`web`): the core sees two conversations and links a
 * case across them exactly as it links a Slack channel and a Teams channel.
 */
export const defaultTeamsLikeChannel: DemoChannelInfo = {
  id: "T-DEMO",
  name: "Cloud handoff",
  installTeamId: "T-PARTNER",
  look: "teams",
  place: "Acme Corp · Microsoft Teams",
};

/**
 * The local demo channel: a chat platform in the browser, so the whole product runs on one machine
 * with no Slack or Teams account. All its state is in Redis; any number of processes can serve it.
 *
 * @example
 *   const demo = createDemoChannel({ redis, prefix: config.keyPrefix, partnerUsers: config.demoChannel.partnerUsers });
 *   const chat = new ChatRouter({ web: demo.chat });
 *   http.app.use(demo.router(conversation)); // http://127.0.0.1:3000
 */
export function createDemoChannel(options: DemoChannelOptions): DemoChannel {
  const users = options.users ?? defaultDemoUsers;
  const channel: DemoChannelInfo = { ...defaultDemoChannel, ...options.channel };
  const teamsChannel: DemoChannelInfo = { ...defaultTeamsLikeChannel, ...options.teamsChannel };
  if (teamsChannel.id === channel.id) throw new Error(`the demo's two channels need two ids, not ${channel.id} twice`);
  const channels = [channel, teamsChannel];
  const store = new DemoMessageStore(options.redis, options.prefix);
  const hub = new DemoEventHub(options.redis, store.eventChannel, options.logger);
  const partners = new Set(
    options.partnerUsers && options.partnerUsers.length > 0 ? options.partnerUsers : partnerUserIds(users),
  );
  const partnerDirectory: PartnerDirectory = {
    isPartner: async (who: Identity) => who.platform === "web" && partners.has(who.userId),
    approvers: async (platform) =>
      platform === "web" ? users.filter((u) => partners.has(u.id)).map((u) => demoIdentity(u)) : [],
  };
  const endStreams: (() => void)[] = [];

  return {
    chat: new DemoChat(store, new OneTimeFileStore(options.redis, options.prefix)),
    router: (conversation) => {
      const { router, endStreams: end } = createDemoApiRouter({
        store,
        hub,
        users,
        channels,
        conversation,
        logger: options.logger,
      });
      endStreams.push(end);
      return router;
    },
    partnerDirectory,
    users,
    channel,
    channels,
    close: async () => {
      for (const end of endStreams) end();
      await hub.close();
    },
  };
}
