import type { Case } from "../case";
import { assertTransition } from "../case-status";
import { approveAct } from "../authority";
import { InvalidCommandError, NotPermittedError, StaleApprovalError } from "../errors";
import { sameIdentity, type ChatLocation, type Identity } from "../identity";
import { message } from "../message";
import { partyLabel, type Party } from "../party";
import type { Outcome } from "../ports";
import { isFullyApproved, recordSignOff } from "../signoff";
import { parseMentions } from "../ticket/parsers";
import { homeAt } from "../case-homes";
import { approvalForm } from "./approval-view";
import { mentionOf } from "../mention";
import type { CommandRequest, ConversationContext } from "./conversation-context";

/** The three parties' sign-offs: showing the sign-off message, an approval press, naming the AWS approver. */
export class SignOffHandler {
  constructor(private readonly context: ConversationContext) {}

  private get deps() {
    return this.context.deps;
  }

  /** `approve`: posts the sign-off message again (the one deep in the thread is hard to find). */
  async showSignOff({ actor, location }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("show_signoff", value, actor, location);
    // Posted again in the home where it was asked for; the other homes keep theirs.
    const home = homeAt(value, location)?.index ?? 0;
    await this.context.presenter.keep(value, "signOffMessage", await this.context.presenter.signOffCard(value), {
      repost: true,
      home,
    });
    return {};
  }

  /**
   * A press of an approval button: checked first, exactly as the sign-off itself will be (who, when, the version the
   * button showed, not approved yet); only then the approval form shows what is approved. A refusal says who may.
   */
  async review(
    caseId: string,
    party: Party,
    presentedHash: string,
    actor: Identity,
    where: ChatLocation,
  ): Promise<Outcome> {
    const value = await this.context.requireCaseById(caseId);
    if (value.status !== "awaiting_signoff") throw new StaleApprovalError();
    const isPartner = (await this.context.authorize(approveAct[party], value, actor, where)).has("partner_member");
    // A dry run of the sign-off: a stale button or a second approval is refused now, not after the form.
    try {
      recordSignOff(value, { party, by: actor, presentedHash, isPartner, at: this.context.today() });
    } catch (error) {
      if (error instanceof NotPermittedError)
        await this.deps.audit.append({
          caseId,
          actor,
          party,
          action: "signoff.denied",
          payload: { reason: error.message },
        });
      throw error;
    }
    return { openForm: approvalForm(value, party) };
  }

  /** The approval itself (the approval form submitted): bound to the fingerprint of the ticket and plan it showed. */
  async approve(
    caseId: string,
    party: Party,
    presentedHash: string,
    actor: Identity,
    where?: ChatLocation,
  ): Promise<Outcome> {
    const value = await this.context.requireCaseById(caseId);
    // A button from before an edit or re-plan is stale, whoever presses it: nothing to decide, nothing to audit.
    if (value.status !== "awaiting_signoff") throw new StaleApprovalError();
    const isPartner = (await this.context.authorize(approveAct[party], value, actor, where)).has("partner_member");
    const at = this.context.today();
    try {
      const updated = await this.deps.cases.update(caseId, (c) => {
        if (c.status !== "awaiting_signoff") throw new StaleApprovalError();
        let next = recordSignOff(c, { party, by: actor, presentedHash, isPartner, at });
        if (isFullyApproved(next)) next = { ...next, status: assertTransition(next.status, "approved", next.id) };
        return next;
      });
      await this.deps.audit.append({
        caseId,
        actor,
        party,
        action: "signoff.recorded",
        payload: { hash: updated.signOffs.find((s) => s.party === party)?.hash },
      });
      await this.context.workflow.signOffRecorded(updated);
      return { notice: `Approved for ${partyLabel[party]}` };
    } catch (error) {
      if (error instanceof NotPermittedError)
        await this.deps.audit.append({
          caseId,
          actor,
          party,
          action: "signoff.denied",
          payload: { reason: error.message },
        });
      throw error;
    }
  }

  /**
   * `assign aws @user`: the partner names who approves for AWS, by mention, by their ids on another platform
   * (`teams:<object id>@<tenant>`), or by e-mail address (bound to their platform identity when they join the case
   * channel, as the customer's approvers are).
   */
  async assignAws({ actor, location, args }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("assign", value, actor, location);
    const match = /^aws\s+(.+)$/i.exec(args);
    if (!match) throw new InvalidCommandError("use `assign aws @user` to name the AWS approver");
    const parsed = parseMentions(match[1], actor.platform, { allowEmails: true });
    if (!parsed.ok) throw new InvalidCommandError(parsed.reason);
    const people = parsed.value as Identity[];
    await this.refuseOtherParties(value, people);
    const updated = await this.deps.cases.update(value.id, (c) => ({
      ...c,
      members: {
        ...c.members,
        aws: [...c.members.aws, ...people.filter((p) => !c.members.aws.some((m) => sameIdentity(m, p)))],
      },
    }));
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      party: "partner",
      action: "party.aws_assigned",
      payload: { aws: people.map((p) => p.userId) },
    });
    await this.context.presenter.say(updated, message(`${people.map(mentionOf).join(", ")} will approve for AWS.`));
    await this.context.presenter.refresh(updated);
    if (updated.status === "awaiting_signoff")
      await this.context.presenter.update(updated, "signOffMessage", await this.context.presenter.signOffCard(updated));
    const added = people.filter((p) => !value.members.aws.some((m) => sameIdentity(m, p)));
    await this.context.workflow.askApprovers(updated, "aws", added);
    return {};
  }

  private async refuseOtherParties(value: Case, people: Identity[]): Promise<void> {
    for (const person of people) {
      if (value.members.customer.some((m) => sameIdentity(m, person)))
        throw new NotPermittedError(`${mentionOf(person)} is a customer approver and cannot also approve for AWS`);
      if (await this.context.isPartner(person))
        throw new NotPermittedError(`${mentionOf(person)} is a partner member and cannot also approve for AWS`);
    }
  }
}
