import express from "express";
import type { Logger } from "pino";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { createTeamsAdapter, type TeamsAdapter } from "../../adapters/teams";
import { ChatRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import { FakeBotConnector } from "./bot-connector";
import { testAuditKeys } from "./audit-keys";
import { testRedis } from "./redis";

/**
 * A Teams user of the tests: AAD object id, display name, tenant, and the e-mail address their directory gives (what
 * the connector answers for them, never what an activity carries). Their Bot Framework id is `29:<aad>`.
 */
export interface TeamsPerson {
  aad: string;
  name: string;
  tenant: string;
  /** Their address; their sign-in name (UPN) is the same unless `userPrincipalName` says otherwise. */
  email?: string;
  userPrincipalName?: string;
}

export const teamsBot = { id: "28:offboard-bot", name: "Offboard" };

/**
 * The Teams adapter end to end, as test/teams/teams-adapter.test.ts runs it: botbuilder's CloudAdapter over
 * HTTP (local mode), the real OffboardConversation on the real Redis stores, a fake Bot Connector recording
 * what the bot posts. `say` sends a channel message (top level or in a reply chain), `sayDirect` a message in
 * the person's 1:1 chat with the bot, `install` the conversation update of the app added to that chat.
 */
export class TeamsStack {
  readonly cases: RedisCaseStore;
  readonly audit: RedisAuditLog;
  readonly teams: TeamsAdapter;
  private sequence = 0;

  private constructor(
    readonly connector: FakeBotConnector,
    private readonly server: Server,
    readonly endpoint: string,
    readonly channel: string,
    readonly people: TeamsPerson[],
    parts: { cases: RedisCaseStore; audit: RedisAuditLog; teams: TeamsAdapter },
    private readonly cleanup: () => Promise<void>,
  ) {
    this.cases = parts.cases;
    this.audit = parts.audit;
    this.teams = parts.teams;
  }

  static async start(options: {
    label: string;
    people: TeamsPerson[];
    partners: TeamsPerson[];
    channel?: string;
    /** The bot's logger (default none), e.g. one that keeps every line for a test to read. */
    logger?: Logger;
  }): Promise<TeamsStack> {
    const { redis, prefix, cleanup } = testRedis(options.label);
    const connector = await FakeBotConnector.start();
    for (const p of options.people)
      connector.members.set(`29:${p.aad}`, {
        id: `29:${p.aad}`,
        name: p.name,
        aadObjectId: p.aad,
        tenantId: p.tenant,
        ...(p.email ? { email: p.email, userPrincipalName: p.userPrincipalName ?? p.email } : {}),
      });
    const cases = new RedisCaseStore(redis, prefix);
    const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
    const teams = createTeamsAdapter({
      appType: "MultiTenant",
      local: true,
      partnerUsers: options.partners.map((p) => p.aad),
      redis,
      prefix,
      logger: options.logger,
    });
    teams.attach(
      new OffboardConversation({
        cases,
        audit,
        idempotency: new RedisIdempotencyStore(redis, prefix),
        chat: new ChatRouter({ teams: teams.chat }),
        partners: teams.partners,
        emails: teams.emails,
        clock: { now: () => new Date() },
      }),
    );
    const app = express();
    app.use(teams.router);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const channel = options.channel ?? "19:shared-channel@thread.tacv2";
    return new TeamsStack(connector, server, endpoint, channel, options.people, { cases, audit, teams }, cleanup);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.connector.close();
    await this.cleanup();
  }

  nextActivityId(): string {
    return `${1_800_000_000_000 + ++this.sequence}`;
  }

  /** `<at>Name</at>` in text, with its mention entity, the way Teams sends an @mention. */
  private mentionEntities(text: string): object[] {
    const entities: object[] = [];
    for (const match of text.matchAll(/<at>([^<]+)<\/at>/g)) {
      const name = match[1];
      if (name === teamsBot.name) entities.push({ type: "mention", text: match[0], mentioned: teamsBot });
      const person = this.people.find((p) => p.name === name);
      if (person)
        entities.push({
          type: "mention",
          text: match[0],
          mentioned: { id: `29:${person.aad}`, name: person.name, aadObjectId: person.aad },
        });
    }
    return entities;
  }

  private async post(activity: object): Promise<void> {
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`the bot answered ${response.status}: ${await response.text()}`);
  }

  private base(from: TeamsPerson, conversation: object, id: string, channelData: object) {
    return {
      id,
      channelId: "msteams",
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:${from.aad}`, name: from.name, aadObjectId: from.aad },
      recipient: teamsBot,
      conversation,
      channelData: { tenant: { id: from.tenant }, ...channelData },
    };
  }

  /** A channel message from `from`: top level (its id returned), or a reply in the reply chain `threadId`. */
  async say(from: TeamsPerson, text: string, threadId?: string): Promise<string> {
    const id = this.nextActivityId();
    await this.post({
      ...this.base(
        from,
        {
          id: `${this.channel};messageid=${threadId ?? id}`,
          conversationType: "channel",
          isGroup: true,
          tenantId: from.tenant,
        },
        id,
        { channel: { id: this.channel }, team: { id: "19:team@thread.tacv2" } },
      ),
      type: "message",
      text,
      textFormat: "plain",
      entities: this.mentionEntities(text),
    });
    return id;
  }

  /**
   * An `adaptiveCard/action` invoke (Action.Execute) by `from` on the card `cardMessageId` in the reply chain
   * `threadId`: what Teams answers the presser with (a card or a message).
   */
  async invoke(
    from: TeamsPerson,
    cardMessageId: string,
    threadId: string,
    action: { verb: string; data: object },
  ): Promise<{ type: string; value: unknown }> {
    const id = this.nextActivityId();
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ...this.base(
          from,
          { id: `${this.channel};messageid=${threadId}`, conversationType: "channel", isGroup: true },
          id,
          { channel: { id: this.channel }, team: { id: "19:team@thread.tacv2" } },
        ),
        type: "invoke",
        name: "adaptiveCard/action",
        replyToId: cardMessageId,
        value: {
          action: { type: "Action.Execute", id: "a1", verb: action.verb, data: action.data },
          trigger: "manual",
        },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`the bot answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { type: string; value: unknown };
  }

  /** The id of `person`'s 1:1 chat with the bot, as Teams names it. */
  personalChat(person: TeamsPerson): string {
    return `a:personal-chat-${person.aad}`;
  }

  private personal(person: TeamsPerson): object {
    return { id: this.personalChat(person), conversationType: "personal", tenantId: person.tenant };
  }

  /** A message from `from` in their 1:1 chat with the bot. */
  async sayDirect(from: TeamsPerson, text: string): Promise<void> {
    const id = this.nextActivityId();
    await this.post({ ...this.base(from, this.personal(from), id, {}), type: "message", text, textFormat: "plain" });
  }

  /** The conversation update Teams sends when `person` adds the app to their 1:1 chat. */
  async install(person: TeamsPerson): Promise<void> {
    const id = this.nextActivityId();
    await this.post({
      ...this.base(person, this.personal(person), id, {}),
      type: "conversationUpdate",
      membersAdded: [teamsBot],
    });
  }
}
