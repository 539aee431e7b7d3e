import { decide, isCaseLocation, rolesOf, type Act, type Role } from "../authority";
import { isCaseId, type Case } from "../case";
import { NotFoundError, NotPermittedError, OffboardError } from "../errors";
import type { ChatLocation, Identity } from "../identity";
import type { Party } from "../party";
import { literal } from "../message";
import type { Outcome } from "../ports";
import type { ConversationDeps } from "./conversation-deps";
import { approversOf, awaitedText, noticeMessage } from "./case-view";
import type { HandoffWorkflow } from "./handoff-workflow";
import type { CasePresenter } from "./case-presenter";

/** A command as its handler gets it: who, where, the words after the command's name, the request id. */
export interface CommandRequest {
  actor: Identity;
  location: ChatLocation;
  args: string;
  requestId: string;
  /** Written in the person's 1:1 chat with the bot. */
  direct?: boolean;
}

export type CommandHandler = (request: CommandRequest) => Promise<Outcome>;

/**
 * What every use-case handler shares: the ports, the workflow, finding the case a request is about, asking the
 * authority table, and telling a person something privately.
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

  /**
   * The case of this channel or thread, or the one named by id. A case named from outside its own channel gets the
   * same answer as an unknown id: case ids are sequential, and another customer's case is none of anyone's
   * business here.
   */
  async requireCase(where: ChatLocation, explicitId?: string): Promise<Case> {
    if (explicitId) {
      const id = explicitId.toUpperCase();
      const found = isCaseId(id) ? await this.deps.cases.get(id) : undefined;
      if (!found || !isCaseLocation(found, where))
        throw new NotFoundError(`there is no case ${literal(explicitId)} here`);
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

  /** Every role `who` has in `value`, asked from where they act. */
  async rolesOf(value: Case, who: Identity, where?: ChatLocation): Promise<Set<Role>> {
    return rolesOf(value, who, {
      isPartner: await this.isPartner(who),
      inCaseChannel: where ? isCaseLocation(value, where) : false,
      allowSameOrgApprovers: this.deps.allowSameOrgApprovers ?? false,
    });
  }

  /**
   * The authority table's answer for `act`: when allowed, the roles it was decided on (a handler needs no second
   * look-up); otherwise audits `<act>.denied` and throws a refusal that says who may (NotPermittedError) or when (an
   * invalid-transition error).
   */
  async authorize(act: Act, value: Case, who: Identity, where?: ChatLocation): Promise<Set<Role>> {
    const roles = await this.rolesOf(value, who, where);
    const decision = decide(act, roles, value.status);
    if (decision.ok) return roles;
    const party = approvalParty[act];
    await this.deps.audit.append({
      caseId: value.id,
      actor: who,
      ...(party ? { party } : {}),
      // An approval's refusal is `signoff.denied` with its party, as the sign-off trail has always said.
      action: `${party ? "signoff" : act}.denied`,
      payload: { because: decision.because, reason: decision.reason },
    });
    if (decision.because === "who")
      throw new NotPermittedError(
        `${capitalized(decision.reason)} in case ${value.id}${await this.whoMay(act, value)}.`,
      );
    throw new OffboardError("invalid_transition", `${capitalized(decision.reason)} (case ${value.id}).`);
  }

  /** The people who hold an approval's role, for its refusal (": @Carol Chen or @Dev Patel"); empty otherwise. */
  private async whoMay(act: Act, value: Case): Promise<string> {
    const party = approvalParty[act];
    if (!party) return "";
    const approvers = approversOf(value, party === "partner" ? await this.presenter.partnerApprovers(value) : []);
    return `: ${awaitedText(party, approvers)}`;
  }
}

/** Who may approve, named: the refusal of an approval says whom to ask. */
const approvalParty: Partial<Record<Act, Party>> = {
  approve_customer: "customer",
  approve_aws: "aws",
  approve_partner: "partner",
};

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
