import type { Case } from "../case";
import { assertTransition } from "../case-status";
import { InvalidCommandError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import { message } from "../message";
import type { Outcome } from "../ports";
import { isFullyApproved } from "../signoff";
import { mentionOf } from "../mention";
import type { CommandRequest, ConversationContext } from "./conversation-context";

/** The case's life after the sign-offs, as people steer it: run now, retry an account, cancel. */
export class RunHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  async runCommand({ actor, location }: CommandRequest): Promise<Outcome> {
    return this.run(await this.context.requireCase(location), actor, location);
  }

  async run(value: Case, actor: Identity, where: ChatLocation): Promise<Outcome> {
    await this.context.authorize("run", value, actor, where);
    if (!isFullyApproved(value))
      throw new OffboardError(
        "invalid_transition",
        `case ${value.id} can run only after all three sign-offs (it is ${value.status})`,
      );
    await this.context.workflow.startRun(value.id, actor);
    return {};
  }

  async retryCommand({ actor, location, args }: CommandRequest): Promise<Outcome> {
    const accountId = args.replace(/[\s-]/g, "");
    if (!/^\d{12}$/.test(accountId))
      throw new InvalidCommandError("use `retry <account>` with the 12-digit ID of an account that failed");
    return this.retry(await this.context.requireCase(location), accountId, actor, location);
  }

  /**
   * Runs a failed account's remaining steps again, or an account the run left out as blocked once it is ready; the
   * workflow refuses anything else with a typed answer (no failed step, not left out, the run not started).
   */
  async retry(value: Case, accountId: string, actor: Identity, where: ChatLocation): Promise<Outcome> {
    await this.context.authorize("retry", value, actor, where);
    if (!value.accounts.includes(accountId))
      throw new InvalidCommandError(
        `${accountId} is not a departing account of ${value.id} (${value.accounts.join(", ") || "none yet"})`,
      );
    const progress = (await this.deps.cases.accountProgress(value.id, [accountId]))[accountId];
    const steps = Object.values(progress?.steps ?? {});
    // A second Retry (or one while the account still runs) would run it twice.
    if (
      !steps.includes("failed") &&
      !progress?.leftOut &&
      value.status === "executing" &&
      steps.some((s) => s === "pending" || s === "running")
    )
      throw new OffboardError(
        "invalid_transition",
        `account ${accountId} of ${value.id} is already running: its progress is in the thread`,
      );
    await this.context.workflow.retryAccount(value.id, accountId, actor);
    return {};
  }

  async cancelCommand({ actor, location }: CommandRequest): Promise<Outcome> {
    return this.cancelCase(await this.context.requireCase(location), actor, location);
  }

  async cancelCase(value: Case, actor: Identity, where: ChatLocation): Promise<Outcome> {
    await this.context.authorize("cancel", value, actor, where);
    const updated = await this.deps.cases.update(value.id, (c) => ({
      ...c,
      status: assertTransition(c.status, "cancelled", c.id),
    }));
    await this.deps.queue?.cancelScheduled(value.id);
    await this.deps.audit.append({ caseId: value.id, actor, action: "case.cancelled" });
    await this.context.presenter.say(
      updated,
      message(`Case ${value.id} was cancelled by ${mentionOf(actor)}. Nothing was changed in AWS.`),
    );
    await this.context.presenter.refresh(updated);
    return { notice: `${value.id} cancelled` };
  }
}
