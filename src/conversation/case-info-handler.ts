import { statesOf } from "../authority";
import { assertTransition } from "../case-status";
import { NotConfiguredError, NotFoundError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import { literal, message } from "../message";
import { mentionOf } from "../mention";
import type { Outcome } from "../ports";
import { voidSignOffs } from "../signoff";
import { caseExport } from "./case-export";
import { homeAt } from "../case-homes";
import { caseThread } from "./case-presenter";
import { helpMessage, planSummaryMessage } from "./case-view";
import { planOf } from "../plan";
import type { CommandRequest, ConversationContext } from "./conversation-context";
import { planDetailsMessage } from "./plan-details-view";

/** Reading a case: `status`, `plan` (and `plan refresh`), `export`, `help`. */
export class CaseInfoHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  async help({ actor, location }: CommandRequest): Promise<Outcome> {
    await this.deps.chat.ephemeral(location, actor, helpMessage());
    return {};
  }

  /** Addressed words whose first word is no command: the list, privately. */
  async unknown({ actor, location }: CommandRequest, word: string): Promise<Outcome> {
    const help = helpMessage();
    await this.deps.chat.ephemeral(
      location,
      actor,
      message(`"${literal(word)}" is not an Offboard command.`, [
        { type: "text", text: `"${literal(word)}" is not an Offboard command.` },
        ...help.blocks,
      ]),
    );
    return {};
  }

  /** The plan's Details button (Slack): the details, to open in a modal for the person who pressed. */
  async details(caseId: string, actor: Identity, where: ChatLocation): Promise<Outcome> {
    const value = await this.context.requireCaseById(caseId);
    await this.context.authorize("plan", value, actor, where);
    if (!value.plan) throw new NotFoundError(`case ${value.id} has no plan yet`);
    const plan = planOf(value.plan, await this.deps.cases.accountPlans(value.id, value.accounts));
    return { openView: planDetailsMessage(value, plan) };
  }

  async status({ actor, location, args }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location, args || undefined);
    await this.context.authorize("status", value, actor, location);
    await this.deps.chat.ephemeral(location, actor, await this.context.presenter.caseCard(value));
    return {};
  }

  async plan({ actor, location, args }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    const refresh = /^refresh\b/i.test(args);
    await this.context.authorize(refresh ? "plan_refresh" : "plan", value, actor, location);
    if (refresh) {
      if (!this.deps.queue) throw new NotConfiguredError("there is no AWS connection configured to plan with");
      const replannable = statesOf("plan_refresh");
      const updated = await this.deps.cases.update(value.id, (c) =>
        replannable.includes(c.status)
          ? { ...voidSignOffs(c).value, status: assertTransition(c.status, "planning", c.id) }
          : c,
      );
      if (updated.status !== "planning")
        throw new OffboardError(
          "invalid_transition",
          `case ${value.id} can be re-planned only until the run starts (it is ${updated.status.replace(/_/g, " ")})`,
        );
      // A scheduled run must not start on the old plan; the new sign-offs schedule it again.
      await this.deps.queue.cancelScheduled(value.id);
      await this.deps.audit.append({ caseId: value.id, actor, party: "partner", action: "plan.refresh" });
      if (value.signOffs.length)
        await this.deps.audit.append({
          caseId: value.id,
          actor,
          action: "signoff.voided",
          payload: { reason: "plan refreshed", voided: value.signOffs.length },
        });
      await this.deps.queue.preflight(value.id);
      await this.context.presenter.refresh(updated);
      return {};
    }
    if (!value.plan) {
      await this.context.tell(location, actor, `case ${value.id} has no plan yet (${value.status})`);
      return {};
    }
    // The whole plan, shown: every account's plan is read (and checked against the fingerprint signed).
    const plan = planOf(value.plan, await this.deps.cases.accountPlans(value.id, value.accounts));
    await this.deps.chat.ephemeral(location, actor, planSummaryMessage(value, plan));
    return {};
  }

  /**
   * Two files, `<case>.json` (the case and its verifiable audit trail) and `<case>.md` (the report people read):
   * to the requester alone where the platform can, else into the case thread; and one short line in the thread.
   */
  async export({ actor, location }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("export", value, actor, location);
    const capabilities = this.deps.chat.capabilities(location.platform);
    if (!capabilities.uploads) throw new NotConfiguredError("this chat platform cannot receive files from Offboard");
    const { events, verification } = await this.deps.audit.readVerified(value.id);
    const accounts = await this.deps.cases.accounts(value.id, value.accounts);
    const files = caseExport(value, accounts, events, this.context.today(), verification);
    await this.deps.audit.append({ caseId: value.id, actor, action: "case.exported" });
    // The export goes to the home it was asked in, in its case thread.
    const thread = homeAt(value, location)?.thread ?? { ...location, threadId: caseThread(value).threadId };
    const privately = capabilities.privateUploads ? { to: actor } : undefined;
    await this.deps.chat.upload(
      thread,
      {
        filename: `${value.id}.json`,
        title: `${value.id} export (JSON)`,
        content: files.json,
        mimeType: "application/json",
      },
      privately,
    );
    await this.deps.chat.upload(
      thread,
      {
        filename: `${value.id}.md`,
        title: `${value.id} report (Markdown)`,
        content: files.markdown,
        mimeType: "text/markdown",
      },
      privately,
    );
    const where = privately ? "sent to them privately" : "attached here";
    await this.deps.chat.post(
      thread,
      message(`${mentionOf(actor)} exported ${value.id}: JSON and Markdown, ${where}.`),
    );
    return {};
  }
}
