import { isCaseId, type Case } from "../case";
import { NotFoundError, NotPermittedError } from "../errors";
import { sameIdentity, type ChatLocation, type Identity } from "../identity";
import type { Outcome } from "../ports";
import type { ConversationDeps } from "./conversation-deps";
import { noticeMessage } from "./case-view";
import type { HandoffWorkflow } from "./handoff-workflow";
import type { CasePresenter } from "./case-presenter";

/** A command as its handler gets it: who, where, the words after the command's name, the request id. */
export interface CommandRequest {
  actor: Identity;
  location: ChatLocation;
  args: string;
  requestId: string;
}

export type CommandHandler = (request: CommandRequest) => Promise<Outcome>;

/**
 * What every use-case handler shares: the ports, the workflow, finding the case a request is about, and telling a
 * person something privately.
 */
export class ConversationContext {
  readonly presenter: CasePresenter;

  constructor(
    readonly deps: ConversationDeps,
    readonly workflow: HandoffWorkflow,
  ) {
    this.presenter = workflow.presenter;
  }

  today(): Date {
    return this.deps.clock.now();
  }

  /** A private notice to one person where they are (Slack ephemeral; the closest each platform has). */
  tell(where: ChatLocation, to: Identity, note: string): Promise<void> {
    return this.deps.chat.ephemeral(where, to, noticeMessage(note));
  }

  async caseAt(where: ChatLocation): Promise<Case | undefined> {
    const id = await this.deps.cases.findByLocation(where);
    return id ? this.deps.cases.get(id) : undefined;
  }

  /** The case of this channel or thread, or the one named by id; a clear refusal when there is none. */
  async requireCase(where: ChatLocation, explicitId?: string): Promise<Case> {
    if (explicitId) {
      const id = explicitId.toUpperCase();
      const found = isCaseId(id) ? await this.deps.cases.get(id) : undefined;
      if (!found) throw new NotFoundError(`there is no case ${explicitId}`);
      return found;
    }
    const found = await this.caseAt(where);
    if (!found) throw new NotFoundError("there is no Offboard case in this channel: `/offboard start` opens one");
    return found;
  }

  async requireCaseById(caseId: string): Promise<Case> {
    const found = await this.deps.cases.get(caseId);
    if (!found) throw new NotFoundError(`there is no case ${caseId}`);
    return found;
  }

  isPartner(who: Identity): Promise<boolean> {
    return this.deps.partners.isPartner(who);
  }

  /** Customer approvers and partner members may answer and edit the ticket (the starter too, until approvers are named). */
  async mayWorkOnTicket(value: Case, who: Identity): Promise<boolean> {
    if (value.members.customer.some((m) => sameIdentity(m, who))) return true;
    if (sameIdentity(value.createdBy, who) && value.ticket.answers.customerApprovers === undefined) return true;
    return this.isPartner(who);
  }

  async requirePartner(who: Identity, what: string): Promise<void> {
    if (!(await this.isPartner(who))) throw new NotPermittedError(`only a partner approver can ${what}`);
  }
}
