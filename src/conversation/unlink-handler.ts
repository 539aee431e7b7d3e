import type { Case } from "../case";
import { homeAt, homesOf, keptMessages, withoutLinkedHomes, type Home } from "../case-homes";
import { placeOf } from "../audit/audit-place";
import { InvalidCommandError } from "../errors";
import type { ChatLocation } from "../identity";
import { context as contextBlock, message, text } from "../message";
import { mentionOf } from "../mention";
import type { Outcome } from "../ports";
import type { CommandRequest, ConversationContext } from "./conversation-context";

/**
 * `unlink` (a partner member): a conversation joined by mistake, or no longer wanted, stops following the case. Said
 * in a joined home, it removes that home; said in the case's own conversation, every joined one. The removed homes
 * are unbound (their words and presses no longer reach the case, and they may join another), their kept messages are
 * rewritten without buttons, and the homes that stay are told. The case's own conversation never leaves.
 */
export class UnlinkHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  async unlink({ actor, location }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("unlink", value, actor, location);
    const here = homeAt(value, location);
    const leaving = here && here.index > 0 ? [here] : homesOf(value).slice(1);
    if (leaving.length === 0)
      throw new InvalidCommandError(
        `${value.id} is followed only in this conversation: there is no joined conversation to unlink`,
      );
    const updated = await this.deps.cases.update(value.id, (c) =>
      withoutLinkedHomes(
        c,
        leaving.map((h) => h.index),
      ),
    );
    const by = mentionOf(actor);
    for (const home of leaving) {
      const conversation: ChatLocation = { ...home.thread, threadId: undefined };
      await this.deps.cases.unbindLocation(home.thread, value.id);
      await this.deps.cases.unbindLocation(conversation, value.id);
      const where = placeOf(conversation);
      await this.deps.audit.append({
        caseId: value.id,
        actor,
        action: "home.left",
        payload: { home: `${where.platform}:${where.conversation}` },
      });
      await this.retire(value, home, by);
    }
    const count = leaving.length === 1 ? "one conversation" : `${leaving.length} conversations`;
    await this.context.presenter.say(
      updated,
      message(`${value.id} is no longer followed in ${count} it had joined, unlinked by ${by}.`),
    );
    return {};
  }

  /**
   * The removed home's kept messages lose their buttons and say why; a last note goes into its thread. A home that
   * cannot be reached any more is reported, never a reason to keep it.
   */
  private async retire(value: Case, home: Home, by: string): Promise<void> {
    const gone = message(`${value.id} is no longer followed here`, [
      text(`*${value.id} is no longer followed in this conversation.*`),
      contextBlock(`Unlinked by ${by}. The case goes on in its own conversation; this message is kept for the record.`),
    ]);
    try {
      for (const kind of keptMessages) {
        const ref = home.refs[kind];
        if (ref) await this.deps.chat.update(ref, gone);
      }
      await this.deps.chat.post(home.thread, gone);
    } catch (error) {
      this.deps.onError?.(error, `tell an unlinked conversation of ${value.id}`);
    }
  }
}
