import type { Case } from "../case";
import { homesOf } from "../case-homes";
import { finishedStatuses } from "../case-status";
import type { HomeOpenedInbound, Outcome } from "../ports";
import type { ConversationContext } from "./conversation-context";
import { hasPart, homeMessage, type HomeCase } from "./home-view";

/** How many case documents are read at once. */
const readBatch = 100;

/**
 * A person's own page of the bot (Slack App Home): their open cases and what each waits on them for. Anyone may open
 * it (the `home` act); it lists only the cases in which they have a part.
 */
export class HomeHandler {
  constructor(private readonly context: ConversationContext) {}

  async opened({ actor }: HomeOpenedInbound): Promise<Outcome> {
    const { cases } = this.context.deps;
    const open: HomeCase[] = [];
    const ids = await cases.list();
    // Every case is read (there is no index by person), a batch at a time: the reads of a batch go out together.
    const documents: (Case | undefined)[] = [];
    for (let i = 0; i < ids.length; i += readBatch)
      documents.push(...(await Promise.all(ids.slice(i, i + readBatch).map((id) => cases.get(id)))));
    for (const value of documents) {
      if (!value || finishedStatuses.includes(value.status)) continue;
      // Only cases with a home on the person's platform (an identity means nothing on another), linked to that home.
      const home = homesOf(value).find((h) => h.thread.platform === actor.platform);
      if (!home) continue;
      const roles = await this.context.rolesOf(value, actor);
      if (!hasPart(roles)) continue;
      // A case that ran may wait on a retry: its accounts' progress (never their plans) says which.
      const progress = value.execution?.startedAt ? await cases.accountProgress(value.id, value.accounts) : {};
      open.push({ value, roles, progress, caseMessage: home.refs.caseMessage });
    }
    return { home: homeMessage(open, this.context.today()) };
  }
}
