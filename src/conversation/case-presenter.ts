import type { Case, KeptMessage } from "../case";
import { firstThread, homesOf, keptRef, withKeptRef, type Home } from "../case-homes";
import type { ChatLocation, Identity, MessageRef, Platform } from "../identity";
import type { Message } from "../message";
import type { CaseStore, ChatPort, PartnerDirectory } from "../ports";
import { caseMessage, signOffMessage } from "./case-view";
import { namedAsSeenIn } from "./people-recognition";

/** Where a case talks in its first home: the thread of its case message in its main channel. */
export function caseThread(value: Case): ChatLocation {
  return firstThread(value);
}

/** How `keep` places a kept message. */
export interface KeepOptions {
  /** Post it anew (the old one stays where it was, further up), instead of updating it in place. */
  repost?: boolean;
  /** Only in this home (its index); default every home. */
  home?: number;
}

/**
 * Posting and refreshing a case's messages in every home of the case (src/case-homes.ts), each in its platform's
 * form. Chat failures while refreshing are reported to `onError` and never undo a recorded change: the record in
 * Redis is the truth, the message is its picture. A post in the first home fails loudly, as it always has; a
 * further home that cannot be reached is reported and skipped, so one platform never holds up the other.
 */
export class CasePresenter {
  constructor(
    private readonly chat: ChatPort,
    private readonly partners: PartnerDirectory,
    private readonly partnerName: string,
    private readonly cases: Pick<CaseStore, "update" | "accountProgress">,
    private readonly onError: (error: unknown, what: string) => void = () => undefined,
  ) {}

  /**
   * The case card, naming the partner's configured approvers on the platforms of the case's homes; once the run has
   * started, it reads the accounts' progress (not their plans) to count them.
   */
  async caseCard(value: Case): Promise<Message> {
    const [approvers, progress] = await Promise.all([
      this.partnerApprovers(value),
      value.execution?.startedAt ? this.cases.accountProgress(value.id, value.accounts) : {},
    ]);
    return caseMessage(value, { name: this.partnerName, approvers }, progress);
  }

  /** The partner's configured approvers on every platform the case has a home on: whom a partner sign-off waits on. */
  async partnerApprovers(value: Case): Promise<Identity[]> {
    const platforms = [...new Set<Platform>(homesOf(value).map((h) => h.thread.platform))];
    // Configured as ids: named as the case has seen them act, where it has.
    return namedAsSeenIn(value, (await Promise.all(platforms.map((p) => this.partners.approvers(p)))).flat());
  }

  /** The sign-off card, naming who each open party waits on. */
  async signOffCard(value: Case): Promise<Message> {
    return signOffMessage(value, await this.partnerApprovers(value));
  }

  /** Posts `body` in the case thread of every home. */
  async say(value: Case, body: Message): Promise<void> {
    for (const home of homesOf(value)) await this.inHome(value, home, "post", () => this.chat.post(home.thread, body));
  }

  /** Rewrites the case card in place in every home. */
  async refresh(value: Case): Promise<void> {
    if (!homesOf(value).some((h) => h.refs.caseMessage)) return;
    await this.update(value, "caseMessage", await this.caseCard(value));
  }

  /** Rewrites `kind` in place in every home that shows it; failures are reported, never thrown. */
  async update(value: Case, kind: KeptMessage, body: Message): Promise<void> {
    for (const home of homesOf(value)) {
      const ref = home.refs[kind];
      if (!ref) continue;
      try {
        await this.chat.update(ref, body);
      } catch (error) {
        this.onError(error, `update the ${kind} of ${value.id} on ${home.thread.platform}`);
      }
    }
  }

  /**
   * Shows `body` as the case's `kind` in every home: updated in place where it is shown, posted where it is not (or
   * could not be updated, or `repost`). The refs of new posts are stored; a ref another request stored meanwhile
   * wins over a post that was not meant to replace one. Returns the stored case.
   */
  async keep(value: Case, kind: KeptMessage, body: Message, options: KeepOptions = {}): Promise<Case> {
    const posted: { index: number; ref: MessageRef; replace: boolean }[] = [];
    for (const home of homesOf(value)) {
      if (options.home !== undefined && home.index !== options.home) continue;
      const shown = home.refs[kind];
      if (shown && !options.repost) {
        try {
          await this.chat.update(shown, body);
          continue;
        } catch (error) {
          this.onError(error, `update the ${kind} of ${value.id} on ${home.thread.platform}`);
        }
      }
      const ref = await this.inHome(value, home, "post", () => this.chat.post(home.thread, body));
      if (ref) posted.push({ index: home.index, ref, replace: Boolean(shown) || Boolean(options.repost) });
    }
    if (!posted.length) return value;
    return this.cases.update(value.id, (c) =>
      posted.reduce(
        (acc, p) => (!p.replace && keptRef(acc, p.index, kind) ? acc : withKeptRef(acc, p.index, kind, p.ref)),
        c,
      ),
    );
  }

  /** Work in one home: the first home's failure is the caller's; another home's is reported and skipped. */
  private async inHome<T>(value: Case, home: Home, what: string, work: () => Promise<T>): Promise<T | undefined> {
    if (home.index === 0) return work();
    try {
      return await work();
    } catch (error) {
      this.onError(error, `${what} in the ${home.thread.platform} home of ${value.id}`);
      return undefined;
    }
  }
}
