import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { createSlackAdapter, coreActionId, slackEventsPath, type SlackAdapter } from "../../adapters/slack";
import type { Case } from "../../src/case";
import { ChatRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import { systemClock } from "../../src/clock";
import type { JobQueue } from "../../src/ports";
import { fieldByKey, ticketFields, type TicketFieldKey } from "../../src/ticket/fields";
import { currentField } from "../../src/ticket/flow";
import { testRedis } from "./redis";
import {
  SlackRequester,
  testBotToken,
  testSigningSecret,
  type SlackAnswer,
  type SlackTestUser,
} from "./slack-requests";
import { FakeSlackWebApi, buttonsOf, fakeBot, type RecordedCall } from "./slack-web-api";
import { testAuditKeys } from "./audit-keys";

/**
 * The Slack adapter running for real: Bolt's ExpressReceiver mounted on an express app on 127.0.0.1:0,
 * the real OffboardConversation on the real Redis stores (unique key prefix), the Web API faked by
 * FakeSlackWebApi. `restart()` replaces the app and the conversation (same Redis), as a redeploy would.
 */
export interface SlackHarnessOptions {
  label: string;
  /** `OFFBOARD_PARTNER_SLACK_USERS`. */
  partnerUsers: string[];
  /** Builds the job queue for a conversation (absent: sign-off covers the ticket alone). */
  queue?: (conversation: () => OffboardConversation) => JobQueue;
}

interface RunningApp {
  adapter: SlackAdapter;
  conversation: OffboardConversation;
  server: Server;
  requester: SlackRequester;
}

export class SlackHarness {
  readonly web = new FakeSlackWebApi();
  readonly redis;
  readonly prefix: string;
  readonly cases: RedisCaseStore;
  readonly audit: RedisAuditLog;
  private readonly cleanup: () => Promise<void>;
  private running?: RunningApp;
  /** Unexpected errors the conversation reported (after a change was recorded). */
  readonly errors: unknown[] = [];

  constructor(private readonly options: SlackHarnessOptions) {
    const { redis, prefix, cleanup } = testRedis(options.label);
    this.redis = redis;
    this.prefix = prefix;
    this.cleanup = cleanup;
    this.cases = new RedisCaseStore(redis, prefix);
    this.audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  }

  async start(): Promise<this> {
    await this.web.start();
    this.running = await this.startApp();
    return this;
  }

  private async startApp(): Promise<RunningApp> {
    const adapter = createSlackAdapter({
      botToken: testBotToken,
      signingSecret: testSigningSecret,
      apiUrl: this.web.url,
      partnerUsers: this.options.partnerUsers,
      redis: this.redis,
      prefix: this.prefix,
    });
    // The queue reaches the conversation it is built for through a getter (it exists only after this call).
    const conversation: OffboardConversation = new OffboardConversation({
      cases: this.cases,
      audit: this.audit,
      chat: new ChatRouter({ slack: adapter.chat }),
      idempotency: new RedisIdempotencyStore(this.redis, this.prefix),
      partners: adapter.partners,
      clock: systemClock,
      queue: this.options.queue?.(() => conversation),
      onError: (error) => this.errors.push(error),
    });
    adapter.attach(conversation);
    const app = express();
    app.use(adapter.router);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    const requester = new SlackRequester(`http://127.0.0.1:${port}${slackEventsPath}`, this.web.responseUrl);
    return { adapter, conversation, server, requester };
  }

  private get app(): RunningApp {
    if (!this.running) throw new Error("the Slack harness is not started");
    return this.running;
  }

  get slack(): SlackRequester {
    return this.app.requester;
  }

  get adapter(): SlackAdapter {
    return this.app.adapter;
  }

  get conversation(): OffboardConversation {
    return this.app.conversation;
  }

  /** Waits for the work that follows every `ack()` so far. */
  settle(): Promise<void> {
    return this.app.adapter.idle();
  }

  /** A request, then the work after its answer. */
  async act(request: Promise<SlackAnswer>): Promise<SlackAnswer> {
    const answer = await request;
    await this.settle();
    return answer;
  }

  /** A new Bolt app and a new conversation on the same Redis: a redeploy mid-ticket. */
  async restart(): Promise<void> {
    await this.stopApp();
    this.running = await this.startApp();
  }

  private async stopApp(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    await running.adapter.stop();
    running.server.closeAllConnections();
    await new Promise<void>((resolve) => running.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.web.close();
    await this.cleanup();
  }

  /** The case opened in a channel. */
  async caseIn(channelId: string): Promise<Case> {
    const id = await this.cases.findByLocation({ platform: "slack", channelId });
    if (!id) throw new Error(`no case in ${channelId}`);
    const value = await this.cases.get(id);
    if (!value) throw new Error(`case ${id} vanished`);
    return value;
  }

  async reload(value: Case): Promise<Case> {
    return (await this.cases.get(value.id))!;
  }

  /** Audit actions of a case, oldest first. */
  async auditActions(caseId: string): Promise<string[]> {
    return (await this.audit.read(caseId)).map((e) => e.action);
  }

  /**
   * Answers the ticket's questions in its thread, one reply each, for as long as `until` allows (default:
   * to the end). Every answer is checked with the real field parser first, so a bad fixture fails here.
   */
  async answerTicket(
    user: SlackTestUser,
    caseId: string,
    answers: Partial<Record<TicketFieldKey, string>>,
    until: (asked: TicketFieldKey, count: number) => boolean = () => true,
  ): Promise<number> {
    let count = 0;
    for (let guard = 0; guard < ticketFields.length + 2; guard++) {
      const value = (await this.cases.get(caseId))!;
      const field = currentField(value.ticket);
      if (!field || value.status !== "collecting" || !until(field.key, count)) return count;
      const text = answers[field.key];
      if (text === undefined) throw new Error(`no answer prepared for ${field.key}`);
      if (text !== "skip") {
        const parsed = field.parse(text, { today: new Date(), platform: "slack", answers: value.ticket.answers });
        if (!parsed.ok) throw new Error(`the fixture answer for ${field.key} is refused: ${parsed.reason}`);
      }
      const thread = value.caseMessage!;
      await this.act(this.slack.reply(user, thread.channelId, thread.messageId, text));
      count += 1;
    }
    throw new Error("the ticket did not finish");
  }

  /** The latest message (posted or updated, `clear()` or not) carrying a button of this core action id. */
  findButton(
    actionId: string,
    where: (value: string, label: string) => boolean = () => true,
  ): { channelId: string; messageTs: string; threadTs?: string; actionId: string; value: string; label: string } {
    const threadOf = new Map<string, string | undefined>();
    for (const call of this.web.history.filter((c) => c.method === "chat.postMessage"))
      threadOf.set(String(call.result?.ts), call.args.thread_ts as string | undefined);
    const calls = this.web.history.filter(
      (c) => c.method === "chat.postMessage" || c.method === "chat.update" || c.method === "chat.postEphemeral",
    );
    for (const call of [...calls].reverse()) {
      const button = buttonsOf(call.args).find(
        (b) => coreActionId(b.action_id) === actionId && where(b.value, b.label),
      );
      if (!button) continue;
      const messageTs = messageTsOf(call);
      return {
        channelId: String(call.args.channel),
        messageTs,
        threadTs: threadOf.get(messageTs),
        actionId: button.action_id,
        value: button.value,
        label: button.label,
      };
    }
    throw new Error(`no message carries a ${actionId} button`);
  }

  /** Presses the latest button of this action (its Slack action id, value and message as Slack would send them). */
  press(
    user: SlackTestUser,
    actionId: string,
    where?: (value: string, label: string) => boolean,
    actionTs?: string,
  ): Promise<SlackAnswer> {
    const button = this.findButton(actionId, where);
    return this.act(this.slack.press(user, { ...button, actionTs }));
  }

  /**
   * An approval as a person gives it: the press of the latest approval button matching `where` (checked first), then
   * the approval modal it opened, submitted. Returns whether a modal opened (a refused press opens none).
   */
  async approve(user: SlackTestUser, where: (value: string, label: string) => boolean): Promise<boolean> {
    const opened = this.web.callsOf("views.open").length;
    await this.press(user, "signoff.approve", where);
    const modal = this.web.callsOf("views.open").slice(opened).at(-1);
    if (!modal) return false;
    await this.act(this.slack.submit(user, modal.args.view as Record<string, unknown>, {}));
    return true;
  }

  /** Ephemeral texts shown to one user since the last `web.clear()`. */
  ephemeralsTo(userId: string): string[] {
    return this.web.callsOf("chat.postEphemeral", (a) => a.user === userId).map((c) => textOf(c));
  }
}

function messageTsOf(call: RecordedCall): string {
  return call.method === "chat.update" ? String(call.args.ts) : String(call.result?.ts ?? call.result?.message_ts);
}

function textOf(call: RecordedCall): string {
  return String(call.args.text ?? "");
}

export async function startSlackHarness(options: SlackHarnessOptions): Promise<SlackHarness> {
  return new SlackHarness(options).start();
}

/**
 * The people of the tests. The partner in the installing workspace; AWS and the customer each from their own
 * (Slack Connect).
 */
export const people = {
  partner: { id: "UPARTNER1", teamId: fakeBot.teamId, name: "pat.partner" },
  partnerViaGroup: { id: "UPARTNER2", teamId: fakeBot.teamId, name: "gus.group" },
  aws: { id: "UAWS1", teamId: "TAWS", name: "ava.aws" },
  customer: { id: "UCUST1", teamId: "TACME", name: "cara.customer" },
  bystander: { id: "UOTHER1", teamId: "TACME", name: "bob.bystander" },
} satisfies Record<string, SlackTestUser>;

/** `YYYY-MM-DD`, `days` from today (UTC). */
export function isoDaysFromNow(days: number): string {
  return new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
}

/** Answers every field accepts, as typed in the thread (choices by number or name). */
export function validTicketAnswers(
  overrides: Partial<Record<TicketFieldKey, string>> = {},
): Record<TicketFieldKey, string> {
  return {
    customerName: "Acme Corp",
    customerApprovers: `<@${people.customer.id}|${people.customer.name}>`,
    goal: "Our contract ends; we take the accounts over and manage them ourselves.",
    targetDate: isoDaysFromNow(30),
    partnerRepresentative: "Sam Rep",
    accountIds: "123456789012, 2109-8765-4321",
    accountsWithoutRootAccess: "none",
    credentialRecipients: `<@${people.customer.id}>`,
    credentialDelivery: "1",
    rootEmails: "123456789012 aws-prod@acme.example\n210987654321 aws-dev@acme.example",
    removalBy: "partner",
    customerIamUsers: "ops-admin in 123456789012",
    keepLifecycleTooling: "no",
    keepPartnerAccess: "none",
    destination: "standalone",
    newOrganization: "o-a1b2c3d4e5",
    joinDecision: "wait",
    bucketDisposition: "archive",
    accountsPayableInformed: "yes",
    specialConsiderations: "skip",
    ...overrides,
  };
}

/** The same answers as a modal submits them: choices by option value, conditional and skipped fields empty. */
export function validFormValues(): Record<string, string> {
  const answers = validTicketAnswers();
  const values: Record<string, string> = {};
  for (const f of ticketFields) {
    if (f.appliesWhen) values[f.key] = "";
    else if (f.options) {
      const parsed = fieldByKey(f.key)!.parse(answers[f.key], { today: new Date(), platform: "slack", answers: {} });
      values[f.key] = parsed.ok ? String(parsed.value) : "";
    } else values[f.key] = answers[f.key] === "skip" ? "" : answers[f.key];
  }
  return values;
}
