/**
 * The ports: what the core needs from the world, as interfaces. Adapters implement them (Redis, Slack,
 * Teams, the demo channel, AWS, BullMQ); `main.ts` wires them together.
 */
import type { ChainVerdict } from "./audit/chain";
import type { AccountChanges, AccountPart, AccountProgress, AccountState, Case } from "./case";
import type { ChatLocation, Identity, MessageRef, Platform } from "./identity";
import type { FormModel, Message } from "./message";
import type { Party } from "./party";
import type { StepCount } from "./step-count";
import type { AccountPlan } from "./plan";

// Every port in one index: the ones defined beside their domain are re-exported here.
export type { Clock } from "./clock";
export type { PartnerDirectory } from "./party";
export type { EmailDirectory } from "./identity";
export type { AwsOperations } from "./aws/aws-operations";
export type { RootAccess } from "./aws/root-access";
export type { HandoffEvents } from "./handoff-events";
export type { CredentialLinkStore } from "./credentials/credential-link";
export type { CredentialExpiryScheduler } from "./credentials/credential-expiry";
export type { CredentialRequester } from "./conversation/conversation-deps";
export type { LinkCodeStore } from "./link-code";

/**
 * The live item counts of a run's steps, one per account ("IAM 7/11"), kept apart from the case: they change with
 * every item, and are a picture of the run, not its record (the steps' states and the audit trail are).
 */
export interface StepCountStore {
  record(caseId: string, accountId: string, count: StepCount): Promise<void>;
  /** The latest count of each account of the case that has reported one. */
  read(caseId: string): Promise<Record<string, StepCount>>;
}

/**
 * Cases: a document per case (ticket, parties, sign-offs, the plan's header, the run's times) and, beside it, each
 * account's state (its plan, its progress), read and written per account. Reading a case reads the document only,
 * so it costs the same at 2,000 accounts as at 2; what needs accounts asks for the ones it needs.
 */
export interface CaseStore {
  /** Allocates the next case id of the year atomically (`OFB-2026-0001`, `OFB-2026-0002`, …). */
  allocateId(year: number): Promise<string>;
  /** Stores a new case (version 1), and its accounts' state when given. Fails if the id exists. */
  create(value: Case, accounts?: Record<string, AccountState>): Promise<Case>;
  /** The case document, without any account's state. */
  get(id: string): Promise<Case | undefined>;
  /**
   * Reads the case, applies `change` to a copy and writes it only if nobody wrote in between
   * (retrying on conflict); returns the stored result. `change` may run more than once, so it must be
   * a pure function of the case it is given. Throwing from `change` aborts the update; returning the
   * very object it was given means "no change" (nothing is written, the version stays).
   */
  update(id: string, change: (current: Case) => Case): Promise<Case>;
  /**
   * `update` with the state of the accounts `accountIds` read too: `change` returns the case (the very object
   * for "no change") and, per account, the parts it changes. The document is compared by version, each account's
   * part by its stored value, so runs of different accounts never conflict with each other. Returns the stored
   * case and the accounts' state as written.
   */
  updateAccounts(
    id: string,
    accountIds: readonly string[],
    change: (current: Case, accounts: Record<string, AccountState>) => { case: Case; accounts?: AccountChanges },
  ): Promise<{ case: Case; accounts: Record<string, AccountState> }>;
  /** The stored parts (default: all) of the accounts `accountIds`, by account id; an account with none is `{}`. */
  accounts(
    id: string,
    accountIds: readonly string[],
    parts?: readonly AccountPart[],
  ): Promise<Record<string, AccountState>>;
  /** The plans of the accounts `accountIds`, in that order; an account without one is left out. */
  accountPlans(id: string, accountIds: readonly string[]): Promise<AccountPlan[]>;
  /** One account's plan. */
  accountPlan(id: string, accountId: string): Promise<AccountPlan | undefined>;
  /** The run's progress of the accounts `accountIds` that have any, by account id. */
  accountProgress(id: string, accountIds: readonly string[]): Promise<Record<string, AccountProgress>>;
  /**
   * Removes the state of every account not in `keep` (a re-plan after the accounts were edited leaves the dropped
   * accounts' plans behind), only while the document is still at `version`; returns how many parts it removed.
   */
  dropOtherAccounts(id: string, version: number, keep: readonly string[]): Promise<number>;
  /** The case whose thread (or case channel) this is, if any. */
  findByLocation(where: ChatLocation): Promise<string | undefined>;
  /** Makes `where` (a thread or a channel) resolve to the case. */
  bindLocation(where: ChatLocation, caseId: string): Promise<void>;
  /** Makes `where` resolve to no case, if it resolves to `caseId` (a binding to another case stays). */
  unbindLocation(where: ChatLocation, caseId: string): Promise<void>;
  /** Ids of every case, newest first. */
  list(): Promise<string[]>;
}

/** Requests processed once: Slack retries, double clicks, Bot Framework redeliveries. */
export interface IdempotencyStore {
  /** True the first time `key` is claimed within `ttlSeconds`; false for every repeat. */
  claim(key: string, ttlSeconds?: number): Promise<boolean>;
  /** Gives a claim back, so the platform's retry of a request that failed half-way is done after all. */
  release(key: string): Promise<void>;
}

/** Anything that does something: a person, or Offboard itself. */
export type AuditActor = Identity | "system";

/** Where a person acted: the platform, and the conversation and thread when there was one (a form has none). */
export interface AuditPlace {
  platform: Platform;
  /** The channel or chat id. */
  conversation?: string;
  thread?: string;
}

export interface AuditInput {
  caseId: string;
  actor: AuditActor;
  party?: Party;
  /**
   * Where the action was taken. The conversation fills it in for every event a person's request appends (see
   * src/audit/audit-place.ts); Offboard's own events (jobs) have none.
   */
  where?: AuditPlace;
  /** e.g. `case.created`, `ticket.answered`, `signoff.recorded`, `signoff.denied`, `aws.role.deleted`. */
  action: string;
  /** Details; only its SHA-256 is chained, the payload itself is kept with the event. Never a secret. */
  payload?: unknown;
}

/** One link of the hash chain. */
export interface AuditEvent {
  /** Stream entry id. */
  id: string;
  caseId: string;
  /** `system` or `<platform>:<userId>@<teamId>`. */
  actor: string;
  party?: Party;
  /** Where a person acted, `<platform>:<conversation>[/<thread>]` (see `placeKey`); absent for Offboard's own. */
  where?: string;
  action: string;
  at: string;
  payload?: unknown;
  /** SHA-256 of the canonical payload. */
  payloadDigest: string;
  /** Hash of the previous event of the same case ("" for the first). */
  prevHash: string;
  /** Id of the audit key the hash is keyed with (first 8 hex of the key's SHA-256; see audit/audit-key.ts). */
  keyId: string;
  /** HMAC-SHA-256, under the audit key, of this event's canonical fields including prevHash and keyId. */
  hash: string;
}

export interface AuditLog {
  append(input: AuditInput): Promise<AuditEvent>;
  /** Every event of the case, oldest first. */
  read(caseId: string): Promise<AuditEvent[]>;
  /** Every event of the case with the verdict of its keyed hash chain (`export` shows it). */
  readVerified(caseId: string): Promise<{ events: AuditEvent[]; verification: ChainVerdict }>;
  /** The most recent events across all cases, newest last. */
  readGlobal(count?: number): Promise<AuditEvent[]>;
}

/**
 * What a chat platform can do beyond the basics, declared as data: the core asks
 * `chat.capabilities(platform)` instead of probing for methods.
 *
 * | capability      | Slack | Teams | demo |
 * | --------------- | ----- | ----- | ---- |
 * | sharedChannels  | yes   | no    | no   |
 * | ephemeral       | yes   | no    | yes  |
 * | uploads         | yes   | yes   | yes  |
 * | privateUploads  | no    | yes   | yes  |
 */
export interface ChatCapabilities {
  /** Create a channel shared with another organization and invite people by e-mail (Slack Connect). */
  sharedChannels: boolean;
  /**
   * A notice in a channel that only one person sees (Slack ephemeral, demo). Teams has none: there
   * `ephemeral()` still reaches the person alone, through their 1:1 chat with the bot.
   */
  ephemeral: boolean;
  /** Files in a conversation. */
  uploads: boolean;
  /**
   * Files one person alone can get (Teams: a download card in their 1:1 chat; demo: a download shown to
   * them only). Slack has no private file in a channel: false.
   */
  privateUploads: boolean;
}

/** A file the bot hands over, e.g. the case export `OFB-2026-0042.json`. */
export interface ChatFile {
  filename: string;
  /** What people see as the file's name in the conversation. */
  title: string;
  /** The file's text (UTF-8). */
  content: string;
  /** e.g. `application/json`, `text/markdown`. */
  mimeType: string;
}

/** Who alone gets an upload; absent: everyone in the conversation. */
export interface UploadOptions {
  /** Only this person gets the file. Requires `privateUploads`; refused (NotConfiguredError) without it. */
  to?: Identity;
}

/**
 * One chat platform (Slack, Teams, the demo channel); each adapter implements it. A capability the
 * platform lacks is `false` in `capabilities` and its method throws NotConfiguredError: the methods are
 * never absent, so a check can't lie.
 */
export interface PlatformChat {
  readonly platform: Platform;
  readonly capabilities: ChatCapabilities;
  /** Posts in a channel, or in a thread when `where.threadId` is set. */
  post(where: ChatLocation, body: Message): Promise<MessageRef>;
  /** Rewrites a posted message in place for everyone. */
  update(ref: MessageRef, body: Message): Promise<void>;
  /**
   * A private notice to one person about `where` (Slack ephemeral in the thread; demo: shown to them
   * only; Teams: their 1:1 chat with the bot).
   * A `private` message (see Message.private) never falls back to a shared place: it waits until the person
   * can get it privately.
   */
  ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void>;
  /** A direct (1:1) message: credential links go only this way. */
  direct(to: Identity, body: Message): Promise<void>;
  /**
   * A file in `where` (the case thread) for everyone there, or with `options.to` for that person alone
   * (requires `capabilities.privateUploads`, else NotConfiguredError).
   */
  upload(where: ChatLocation, file: ChatFile, options?: UploadOptions): Promise<void>;
  /**
   * Creates a dedicated case channel shared with the customer (Slack Connect) and invites these
   * e-mail addresses. NotConfiguredError where `capabilities.sharedChannels` is false.
   */
  createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation>;
}

/**
 * What the core talks to: every platform behind one door (ChatRouter). Each call goes to the platform
 * of its location, message or person; a platform that is not configured has no capabilities and its
 * calls throw NotConfiguredError.
 *
 * @example
 *   if (chat.capabilities(where.platform).privateUploads) await chat.upload(thread, file, { to: requester });
 *   else await chat.upload(thread, file);
 */
export interface ChatPort {
  capabilities(platform: Platform): ChatCapabilities;
  post(where: ChatLocation, body: Message): Promise<MessageRef>;
  update(ref: MessageRef, body: Message): Promise<void>;
  ephemeral(where: ChatLocation, to: Identity, body: Message): Promise<void>;
  direct(to: Identity, body: Message): Promise<void>;
  upload(where: ChatLocation, file: ChatFile, options?: UploadOptions): Promise<void>;
  createSharedChannel(name: string, inviteEmails: string[], from: ChatLocation): Promise<ChatLocation>;
}

/** The queued work. Implemented on BullMQ in jobs/. */
export interface JobQueue {
  /** Reads AWS and builds the plan for the case. */
  preflight(caseId: string): Promise<void>;
  /** The handoff run at `at` (the target date) … */
  scheduleRun(caseId: string, at: Date): Promise<void>;
  /** … or now. Idempotent: a run already queued or running is not started twice. */
  runNow(caseId: string): Promise<void>;
  /** Runs the remaining steps of one failed account again. */
  retryAccount(caseId: string, accountId: string): Promise<void>;
  /**
   * An account waiting for the customer (its next look is scheduled) looks again now: the customer has
   * just done their part. Nothing happens for an account that is not waiting. Optional.
   */
  wakeAccount?(caseId: string, accountId: string): Promise<void>;
  /** Drops a scheduled run and pending reminders (edit, cancel). */
  cancelScheduled(caseId: string): Promise<void>;
  /** Reminders before the target date. */
  scheduleReminders(caseId: string, targetDate: string): Promise<void>;
}

/** Where encrypted credentials wait for their one retrieval (AWS Secrets Manager). Ciphertext only. */
export interface SecretVault {
  put(name: string, ciphertext: string, tags: Record<string, string>): Promise<void>;
  /** The ciphertext, or undefined when there is no such secret. */
  get(name: string): Promise<string | undefined>;
  /** Deletes at once, without a recovery window. Deleting a missing secret is not an error. */
  destroy(name: string): Promise<void>;
}

// ---- Inbound: what people do, as every chat adapter reports it ----------------------------------------------------

/**
 * What a person did, as every chat adapter reports it to the core. Adapters translate their platform's payloads
 * into these and call `Conversation.handle`; they decide nothing. Whether words are a command or an answer is the
 * core's one rule (src/conversation/message-reading.ts, docs/architecture.md), the same on every platform.
 *
 * Mentions inside `text` use the neutral token `<@userId>` or `<@userId|Display Name>` (Slack's syntax): the Teams
 * and demo adapters rewrite their mentions into it (see src/mention.ts).
 */
export type Inbound = MessageInbound | ActionInbound | FormInbound | MemberJoinedInbound | HomeOpenedInbound;

interface InboundBase {
  /** Who, from the platform's own identity fields. */
  actor: Identity;
  /**
   * A stable id of this request for idempotency: Slack event_id / trigger_id+action_ts, Teams activity id. A
   * repeat with the same id does nothing.
   */
  requestId: string;
}

/**
 * Words someone wrote where the bot sees them: a slash command, an @mention of the bot, a reply in a thread, a
 * post in a channel, a 1:1 message to the bot.
 *
 * @example `/offboard status` → { text: "status", mentionsBot: true, direct: false, location: { channelId } }
 * @example a reply "2031-01-01" in a thread → { text: "2031-01-01", mentionsBot: false, location: { threadId } }
 */
export interface MessageInbound extends InboundBase {
  kind: "message";
  /** The words, without the slash command's name or the bot's own mention. */
  text: string;
  /** Addressed to the bot: the slash command, or an @mention of the bot anywhere in the words. */
  mentionsBot: boolean;
  /** Written in the person's 1:1 chat with the bot. */
  direct: boolean;
  /** The channel, plus `threadId` exactly when the words were written inside a thread (or a chat's case thread). */
  location: ChatLocation;
  /** The other people mentioned, as the platform resolved them (never typed names). */
  mentions?: Identity[];
}

/** A button press (Slack block_actions, Teams Action.Execute, demo button). */
export interface ActionInbound extends InboundBase {
  kind: "action";
  actionId: string;
  value: string;
  location: ChatLocation;
  /** The message the button was on, when known (to update it in place). */
  message?: MessageRef;
  /** The day a date picker delivered (`YYYY-MM-DD`), as the person picked it; the core reads it as typed words. */
  picked?: string;
}

/** A submitted form (Slack view_submission, Teams form card, demo form). */
export interface FormInbound extends InboundBase {
  kind: "form";
  /** The FormModel's callbackId: the case id. */
  callbackId: string;
  values: Record<string, string>;
  /**
   * The conversation the form was submitted in: a Teams card form's own conversation; for a Slack modal (which belongs
   * to none) the channel and thread of the press that opened it, carried by the adapter in the modal's metadata; for
   * the demo's form, the stored message it was opened from. Absent when unknown. Only the audit trail uses it.
   */
  submittedIn?: ChatLocation;
}

/** Someone joined a case channel (Slack member_joined_channel); binds e-mail-invited approvers. */
export interface MemberJoinedInbound extends InboundBase {
  kind: "member_joined";
  location: ChatLocation;
}

/** Someone opened their page of the bot (Slack App Home): the core answers with `home`, the adapter publishes it. */
export interface HomeOpenedInbound extends InboundBase {
  kind: "home_opened";
}

/**
 * What the adapter must do in the synchronous answer to the request: open a form (needs the platform's trigger),
 * or show per-field errors on a submitted one (Slack `response_action: errors`). Everything else the core does
 * through the ChatPort.
 */
export interface Outcome {
  openForm?: FormModel;
  formErrors?: Record<string, string>;
  /** A view to show the person who acted, read-only (Slack: a modal on the press's trigger; plan details). */
  openView?: Message;
  /** The person's own page of the bot (Slack App Home, `views.publish`): their open cases and what awaits them. */
  home?: Message;
  /** A short text the adapter may show inline (Teams invoke response, demo toast, Slack modal error). */
  notice?: string;
  /**
   * Work the core carries on with after the answer (posting the ticket summary and starting the plan after a
   * form): the adapter answers the platform first, then may wait for it. It never rejects.
   */
  after?: Promise<void>;
}

/**
 * The core's entry point for every chat adapter. People's mistakes are answered by the core itself; our own
 * failures reject with an `OffboardFailure` whose `publicMessage` the adapter shows (see src/errors.ts).
 */
export interface Conversation {
  handle(input: Inbound): Promise<Outcome>;
}
