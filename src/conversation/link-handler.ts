import type { Case } from "../case";
import { homesOf, withLinkedHome } from "../case-homes";
import { finishedStatuses } from "../case-status";
import { InvalidCommandError, NotConfiguredError, NotPermittedError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import {
  defaultJoinLimit,
  joinSubjects,
  type JoinRefusal,
  type JoinSubject,
  type JoinSubjectKind,
} from "../join-limit";
import {
  linkCodeKeepSeconds,
  linkCodeTtlSeconds,
  newLinkCode,
  readLinkCode,
  type LinkCodeClaim,
  type LinkCodeStore,
} from "../link-code";
import { dateText, message, privateMessage, text, context as contextBlock } from "../message";
import { mentionOf } from "../mention";
import type { Outcome } from "../ports";
import { currentField } from "../ticket/flow";
import { progressMessage, questionMessage } from "./case-view";
import type { CommandRequest, ConversationContext } from "./conversation-context";

const platformName: Record<ChatLocation["platform"], string> = { slack: "Slack", teams: "Teams", web: "demo" };

/** Why a code is refused, as the person reads it. */
const refusal: Record<Exclude<LinkCodeClaim, { ok: true }>["because"], string> = {
  unknown: "that is not a link code Offboard gave",
  used: "that link code was used already",
  expired: "that link code has expired",
};

/**
 * One case across conversations and platforms. `link` (a partner member, in the case thread) gives a one-time code,
 * shown to them alone; `join <code>` in another conversation — a Teams channel or chat, a Slack channel — makes it a
 * home of the same case: the case card is posted there and every kept message is shown and updated there too
 * (src/case-homes.ts). Joining gives no roles: those still come from the ticket and the partner configuration.
 */
export class LinkHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  private codes(): LinkCodeStore {
    if (!this.deps.linkCodes) throw new NotConfiguredError("linking conversations is not set up in this installation");
    return this.deps.linkCodes;
  }

  /** `link`: a code that works once, for 15 minutes; only its hash is stored and audited. */
  async link({ actor, location }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("link", value, actor, location);
    const store = this.codes();
    const code = newLinkCode();
    const codeHash = store.hashOf(code);
    const now = this.context.today();
    const expiresAt = new Date(now.getTime() + linkCodeTtlSeconds * 1000).toISOString();
    await store.save(
      codeHash,
      { caseId: value.id, issuedBy: actor, issuedAt: now.toISOString(), expiresAt },
      linkCodeKeepSeconds,
    );
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      party: "partner",
      action: "link.issued",
      payload: { codeHash, expiresAt },
    });
    // Private: whoever holds the code can join a conversation of their choosing to the case.
    await this.deps.chat.ephemeral(
      location,
      actor,
      privateMessage(
        message(`Link code for ${value.id}: ${code} (once, until ${dateText(expiresAt)})`, [
          text(`*Link code for ${value.id}:* \`${code}\``),
          text(
            `In the other conversation — a Teams channel or chat, or a Slack channel — say \`@Offboard join ${code}\`. ` +
              `It works once, until ${dateText(expiresAt)}.`,
          ),
          contextBlock(
            "The case then lives in both places: the same card, questions, sign-off and progress. Joining gives no roles.",
          ),
        ]),
      ),
    );
    return {};
  }

  /** `join <code>`: this conversation becomes a home of the code's case. */
  async join({ actor, location, args, direct }: CommandRequest): Promise<Outcome> {
    if (direct) throw new InvalidCommandError("join a case in a channel or group chat, not in your chat with Offboard");
    const code = readLinkCode(args);
    if (!code) throw new InvalidCommandError("use `join <code>` with the code `link` gave in the case thread");
    const conversation: ChatLocation = { ...location, threadId: undefined };
    const here = await this.context.caseAt(conversation);
    if (here && !finishedStatuses.includes(here.status))
      throw new OffboardError("invalid_transition", `this conversation already follows case ${here.id}`);
    const codeHash = this.codes().hashOf(code);
    const attempt = await this.reserveAttempt(actor, conversation);
    let claim: LinkCodeClaim;
    try {
      claim = await this.codes().use(codeHash, this.context.today().toISOString());
    } catch (error) {
      await attempt.release();
      throw error;
    }
    if (!claim.ok) {
      // The attempt stays counted. A used or expired code is audited on its case; an unknown one has no case to be
      // audited on, so the operators' log and metric are its only record (by hash).
      this.reportRefusal({
        because: claim.because,
        actor,
        where: conversation,
        codeHash,
        ...(claim.because !== "unknown" ? { caseId: claim.link.caseId } : {}),
        ...(attempt.nowLocked.length ? { nowLocked: attempt.nowLocked } : {}),
      });
      if (claim.because !== "unknown")
        await this.deps.audit.append({
          caseId: claim.link.caseId,
          actor,
          action: "join.denied",
          payload: { because: claim.because, codeHash },
        });
      throw new NotPermittedError(`${refusal[claim.because]}: a partner member gives a new one with \`link\``);
    }
    // The right code: no refused attempt after all.
    await attempt.release();
    const value = await this.context.requireCaseById(claim.link.caseId);
    await this.context.authorize("join", value, actor, location);

    const ref = await this.deps.chat.post(conversation, await this.context.presenter.caseCard(value));
    const thread: ChatLocation = { ...conversation, threadId: ref.messageId };
    await this.deps.cases.bindLocation(thread, value.id);
    await this.deps.cases.bindLocation(conversation, value.id);
    const joinedAt = this.context.today().toISOString();
    const updated = await this.deps.cases.update(value.id, (c) =>
      withLinkedHome(c, { location: thread, caseMessage: ref, joinedBy: actor, joinedAt }),
    );
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      action: "home.joined",
      payload: { codeHash, issuedBy: claim.link.issuedBy.userId },
    });
    // "on Teams too" when the platform is new to the case; "in another Slack conversation too" when it is not.
    const platformIsNew = !homesOf(value).some((h) => h.thread.platform === location.platform);
    const where = platformIsNew
      ? `on ${platformName[location.platform]}`
      : `in another ${platformName[location.platform]} conversation`;
    await this.context.presenter.say(
      updated,
      message(
        `${value.id} is now followed ${where} too, joined by ${mentionOf(actor)}: ` +
          "what is answered or pressed in any of its conversations counts for the one case.",
      ),
    );
    const home = homesOf(updated).find((h) => h.refs.caseMessage?.messageId === ref.messageId);
    if (home) await this.catchUp(updated, home.index, thread);
    return {};
  }

  /**
   * Counts this `join` against the person's and the conversation's limits before its code is looked up
   * (src/join-limit.ts); refuses it when either is locked out. `release` gives the attempt back (the code was right);
   * `nowLocked` names the counters this attempt brought to their limit, should it be refused.
   */
  private async reserveAttempt(
    actor: Identity,
    where: ChatLocation,
  ): Promise<{ release: () => Promise<void>; nowLocked: JoinSubjectKind[] }> {
    const counter = this.deps.joinAttempts;
    if (!counter) return { release: async () => undefined, nowLocked: [] };
    const limit = this.deps.joinLimit ?? defaultJoinLimit;
    const subjects: JoinSubject[] = joinSubjects(actor, where, limit);
    const attempt = await counter.reserve(subjects, limit.windowMs);
    if (!attempt.ok) {
      this.reportRefusal({
        because: "locked",
        actor,
        where,
        lockedBy: attempt.lockedBy,
        retryAfterMs: attempt.retryAfterMs,
      });
      const minutes = Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000));
      const whose = attempt.lockedBy === "person" ? "from you" : "in this conversation";
      throw new NotPermittedError(
        `too many wrong link codes ${whose}: \`join\` is refused for ${minutes} more minute${minutes === 1 ? "" : "s"}, ` +
          "whatever the code. A partner member can give a new code with `link` meanwhile.",
      );
    }
    return {
      release: () => counter.release(subjects),
      nowLocked: subjects.filter((s, i) => attempt.counts[i] === s.limit).map((s) => s.kind),
    };
  }

  /** A refused `join`, to the operators; their log or metric failing never changes the answer. */
  private reportRefusal(refused: JoinRefusal): void {
    try {
      this.deps.joinRefusals?.joinRefused(refused);
    } catch (error) {
      this.deps.onError?.(error, "report a refused join");
    }
  }

  /** What stands now, in the new home: the open question, the sign-off, the progress. */
  private async catchUp(value: Case, index: number, thread: ChatLocation): Promise<void> {
    const field = value.status === "collecting" ? currentField(value.ticket) : undefined;
    if (field)
      await this.deps.chat.post(thread, questionMessage(field, undefined, { caseId: value.id, ticket: value.ticket }));
    let current = value;
    if (value.status === "awaiting_signoff")
      current = await this.context.presenter.keep(
        current,
        "signOffMessage",
        await this.context.presenter.signOffCard(current),
        {
          home: index,
        },
      );
    if (current.execution?.startedAt) {
      const accounts = await this.context.deps.cases.accounts(current.id, current.accounts);
      await this.context.presenter.keep(
        current,
        "progressMessage",
        progressMessage(current, accounts, this.context.today()),
        { home: index },
      );
    }
  }
}
