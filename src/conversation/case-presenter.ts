import type { Case } from "../case";
import type { ChatLocation, Identity } from "../identity";
import type { Message } from "../message";
import type { ChatPort, PartnerDirectory } from "../ports";
import { caseMessage, signOffMessage } from "./case-view";

/** Where a case talks: the thread of its case message in its main channel. */
export function caseThread(value: Case): ChatLocation {
  const home = value.locations[0];
  return { ...home, threadId: value.caseMessage?.messageId ?? home.threadId };
}

/**
 * Posting and refreshing a case's messages. Chat failures while refreshing are reported to `onError`
 * and never undo a recorded change: the record in Redis is the truth, the message is its picture.
 */
export class CasePresenter {
  constructor(
    private readonly chat: ChatPort,
    private readonly partners: PartnerDirectory,
    private readonly partnerName: string,
    private readonly onError: (error: unknown, what: string) => void = () => undefined,
  ) {}

  /** The case card, naming the partner's configured approvers on the case's platform. */
  async caseCard(value: Case): Promise<Message> {
    const approvers = await this.partners.approvers(value.locations[0].platform);
    return caseMessage(value, { name: this.partnerName, approvers });
  }

  /** The partner's configured approvers on the case's platform: the people a partner sign-off waits on. */
  partnerApprovers(value: Case): Promise<Identity[]> {
    return this.partners.approvers(value.locations[0].platform);
  }

  /** The sign-off card, naming who each open party waits on. */
  async signOffCard(value: Case): Promise<Message> {
    return signOffMessage(value, await this.partnerApprovers(value));
  }

  async say(value: Case, body: Message): Promise<void> {
    await this.chat.post(caseThread(value), body);
  }

  async refresh(value: Case): Promise<void> {
    if (!value.caseMessage) return;
    try {
      await this.chat.update(value.caseMessage, await this.caseCard(value));
    } catch (error) {
      this.onError(error, `update the case message of ${value.id}`);
    }
  }

  async updateOrPost(value: Case, ref: Case["signOffMessage"], body: Message): Promise<Case["signOffMessage"]> {
    if (ref) {
      try {
        await this.chat.update(ref, body);
        return ref;
      } catch (error) {
        this.onError(error, `update a message of ${value.id}`);
      }
    }
    return this.chat.post(caseThread(value), body);
  }
}
