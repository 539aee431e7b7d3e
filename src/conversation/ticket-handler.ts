import type { AnswerValue, Case } from "../case";
import { assertTransition, finishedStatuses } from "../case-status";
import { NotPermittedError, StaleApprovalError } from "../errors";
import { mentionOf, readMentionTokens } from "../mention";
import { literal } from "../message";
import { sameIdentity, type ChatLocation, type Identity, type Platform } from "../identity";
import type { FormModel, Message } from "../message";
import type { FormInbound, Outcome } from "../ports";
import { voidSignOffs } from "../signoff";
import { AccountCheck } from "../ticket/account-check";
import { parseAccountIds, typedIdentities } from "../ticket/parsers";
import { fieldByKey, ticketFields } from "../ticket/fields";
import {
  applyForm,
  applyInput,
  currentField,
  interpretReply,
  isComplete,
  startTicket,
  type FlowInput,
  type FlowOutcome,
} from "../ticket/flow";
import { homeAt } from "../case-homes";
import { caseThread } from "./case-presenter";
import { answerEcho, noticeMessage, questionMessage, type QuestionPlace } from "./case-view";
import type { CaseChannelHandler } from "./case-channel-handler";
import type { CommandRequest, ConversationContext } from "./conversation-context";
import type { RunHandler } from "./run-handler";

/**
 * The ticket: opening a case (`start`), answers in the case thread, `edit <field>`, the ticket form. An edit after
 * the plan voids the sign-offs and collects again.
 */
export class TicketHandler {
  private readonly accountCheck?: AccountCheck;

  constructor(
    private readonly context: ConversationContext,
    private readonly lifecycle: Pick<RunHandler, "cancelCase">,
    private readonly caseChannel: Pick<CaseChannelHandler, "offer">,
  ) {
    if (context.deps.organization) this.accountCheck = new AccountCheck(context.deps.organization);
  }

  private get deps() {
    return this.context.deps;
  }

  async start({ actor, location }: CommandRequest): Promise<Outcome> {
    const channel: ChatLocation = { ...location, threadId: undefined };
    const open = await this.context.caseAt(channel);
    if (open && !finishedStatuses.includes(open.status)) {
      await this.context.tell(
        channel,
        actor,
        `case ${open.id} is already open in this channel (\`/offboard status\`); cancel it before starting another`,
      );
      return {};
    }
    const isPartner = await this.context.isPartner(actor);
    const today = this.context.today();
    const id = await this.deps.cases.allocateId(today.getUTCFullYear());
    const now = today.toISOString();
    const created = await this.deps.cases.create({
      id,
      status: "collecting",
      locations: [channel],
      ticket: startTicket(),
      accounts: [],
      members: { customer: isPartner ? [] : [actor], aws: [] },
      signOffs: [],
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    await this.deps.audit.append({
      caseId: id,
      actor,
      party: isPartner ? "partner" : "customer",
      action: "case.created",
      payload: { location: channel },
    });
    const ref = await this.deps.chat.post(channel, await this.context.presenter.caseCard(created));
    await this.deps.cases.bindLocation({ ...channel, threadId: ref.messageId }, id);
    await this.deps.cases.bindLocation(channel, id);
    const stored = await this.deps.cases.update(id, (c) => ({ ...c, caseMessage: ref }));
    const first = currentField(stored.ticket);
    if (first)
      await this.deps.chat.post(
        caseThread(stored),
        questionMessage(
          first,
          `Case ${id} is open. The customer's approvers or the partner answer the ticket here, one question at a time.`,
          { caseId: id, ticket: stored.ticket },
        ),
      );
    return {};
  }

  /** Words in the case thread read as the answer to the open question (or `back`, `skip`, …). */
  async answer(value: Case, actor: Identity, text: string, where: ChatLocation, requestId: string): Promise<Outcome> {
    const flowInput = interpretReply(text);
    const act = flowInput.kind === "edit" ? "edit" : flowInput.kind === "cancel" ? "cancel" : "answer";
    await this.context.authorize(act, value, actor, where);
    const field = currentField(value.ticket);
    if (flowInput.kind === "answer" && field)
      await this.refuseWrongPeople(value, field.key, flowInput.text, actor.platform);
    // A retry of an answer already recorded is not looked up again (apply resumes it).
    if (flowInput.kind === "answer" && field?.key === "accountIds" && value.ticket.lastRequestId !== requestId) {
      const refused = await this.accountsRefused(value, flowInput.text);
      if (refused) {
        await this.context.presenter.say(
          value,
          questionMessage(field, `That answer was not accepted: ${refused}`, placeOf(value)),
        );
        return {};
      }
    }
    return this.apply(value, actor, flowInput, requestId, where);
  }

  /**
   * The departing account ids checked against the partner's organization as they are answered, not after the last
   * question: what the organization cannot hand off, in words naming each account, or undefined. Text the field's
   * parser refuses is left to it; when AWS cannot be asked now, the answer stands and the preflight checks it.
   */
  private async accountsRefused(value: Case, text: string): Promise<string | undefined> {
    if (!this.accountCheck) return undefined;
    const parsed = parseAccountIds(text);
    if (!parsed.ok) return undefined;
    try {
      const refused = await this.accountCheck.refused(parsed.value);
      if (refused.length === 0) return undefined;
      return `the partner's organization cannot hand off ${refused.length === 1 ? "this account" : "these accounts"}:\n${refused
        .map((r) => `• ${literal(r.reason)}`)
        .join("\n")}`;
    } catch (error) {
      this.deps.onError?.(error, `check the accounts of ${value.id} with AWS`);
      return undefined;
    }
  }

  /**
   * A press of an answer button on a question: the same as typing the option, while that question is the open
   * one; a button of a question already answered is stale.
   */
  async choose(
    value: Case,
    field: string,
    choice: string,
    actor: Identity,
    requestId: string,
    pressedIn: ChatLocation,
  ): Promise<Outcome> {
    // Pressed in any home, it answers as if typed there; pressed elsewhere (a copy in a direct message), in the first.
    const where = homeAt(value, pressedIn) ? pressedIn : caseThread(value);
    await this.context.authorize("answer", value, actor, where);
    if (currentField(value.ticket)?.key !== field)
      throw new StaleApprovalError("that question was answered already; answer the latest question in the thread");
    return this.answer(value, actor, choice, where, requestId);
  }

  async edit({ actor, location, args, requestId }: CommandRequest): Promise<Outcome> {
    const value = await this.context.requireCase(location);
    await this.context.authorize("edit", value, actor, location);
    return this.apply(value, actor, { kind: "edit", field: args }, requestId, location);
  }

  async openForm(value: Case, actor: Identity, where: ChatLocation): Promise<Outcome> {
    await this.context.authorize("form", value, actor, where);
    return { openForm: ticketForm(value) };
  }

  async submitForm(input: FormInbound): Promise<Outcome> {
    const value = await this.context.requireCaseById(input.callbackId);
    await this.context.authorize("form", value, input.actor);
    for (const [key, text] of Object.entries(input.values)) {
      try {
        await this.refuseWrongPeople(value, key, text, input.actor.platform);
      } catch (error) {
        if (error instanceof NotPermittedError) return { formErrors: { [key]: error.message } };
        throw error;
      }
    }
    const accountsRefused = await this.accountsRefused(value, input.values.accountIds ?? "");
    if (accountsRefused) return { formErrors: { accountIds: accountsRefused } };
    const starterIsCustomer = !(await this.context.isPartner(value.createdBy));
    let errors: Record<string, string> = {};
    const today = this.context.today();
    const updated = await this.deps.cases.update(value.id, (c) => {
      const result = applyForm(c.ticket, input.values, { today, platform: input.actor.platform });
      errors = result.errors;
      if (Object.keys(errors).length) return c;
      return deriveFromTicket({ ...c, ticket: result.state }, starterIsCustomer);
    });
    if (Object.keys(errors).length) return { formErrors: errors };
    await this.deps.audit.append({
      caseId: value.id,
      actor: input.actor,
      action: "ticket.form_submitted",
      payload: { fields: Object.keys(input.values) },
    });
    if (!isComplete(updated.ticket)) return {};
    // Slack closes a form only once it is answered (3 seconds at most): the summary and the plan follow.
    const after = this.context.workflow.ticketCompleted(value.id, input.actor).then(
      () => undefined,
      (error: unknown) => this.deps.onError?.(error, `complete the ticket of ${value.id}`),
    );
    return { after };
  }

  /**
   * Three organizations, three different people: the customer approvers and the credential recipients are never
   * partner members, and a customer approver is never the AWS approver.
   */
  private async refuseWrongPeople(value: Case, fieldKey: string, text: string, platform: Platform): Promise<void> {
    if (fieldKey !== "customerApprovers" && fieldKey !== "credentialRecipients") return;
    const label = fieldKey === "customerApprovers" ? "a customer approver" : "a root-credential recipient";
    // A mention names a person of the platform it was written on; a typed `teams:<id>@<tenant>` one of its own.
    const named: Identity[] = [
      ...readMentionTokens(text).map((token) => ({ platform, userId: token.userId, name: token.name })),
      ...typedIdentities(text),
    ];
    for (const person of named) {
      if (await this.context.isPartner(person))
        throw new NotPermittedError(`${mentionOf(person)} is a partner member and cannot be ${label}`);
      if (fieldKey === "customerApprovers" && value.members.aws.some((m) => sameIdentity(m, person)))
        throw new NotPermittedError(`${mentionOf(person)} approves for AWS and cannot also be a customer approver`);
    }
  }

  /** `where`: where the person acted (a private notice finds them there). Questions go to every home. */
  private async apply(
    value: Case,
    actor: Identity,
    flowInput: FlowInput,
    requestId: string,
    where: ChatLocation,
  ): Promise<Outcome> {
    const say = (body: Message) => this.context.presenter.say(updated, body);
    const starterIsCustomer = !(await this.context.isPartner(value.createdBy));
    const today = this.context.today();
    let outcome: FlowOutcome | undefined;
    let reopened = false;
    let replayed = false;
    const updated = await this.deps.cases.update(value.id, (c) => {
      reopened = false;
      replayed = c.ticket.lastRequestId === requestId;
      if (replayed) return c;
      let current = c;
      if (flowInput.kind === "edit" && c.status !== "collecting") {
        if (!fieldByKey(flowInput.field)) {
          outcome = applyInput(c.ticket, flowInput, { today, platform: actor.platform });
          return c;
        }
        current = { ...voidSignOffs(c).value, status: assertTransition(c.status, "collecting", c.id) };
        reopened = true;
      }
      outcome = applyInput(current.ticket, flowInput, { today, platform: actor.platform });
      if (outcome.kind === "refused" || outcome.kind === "invalid")
        return reopened ? { ...current, ticket: outcome.state } : c;
      if (outcome.kind === "cancelled") return c;
      return deriveFromTicket(
        { ...current, ticket: { ...outcome.state, lastRequestId: requestId } },
        starterIsCustomer,
      );
    });
    if (replayed) return this.resumeAfterReplay(updated);
    const result = outcome!;
    if (reopened) {
      await this.deps.queue?.cancelScheduled(value.id);
      await this.deps.audit.append({
        caseId: value.id,
        actor,
        action: "signoff.voided",
        payload: { reason: "ticket edited", voided: value.signOffs.length },
      });
      await this.context.presenter.refresh(updated);
    }
    switch (result.kind) {
      case "refused":
        await say(questionMessage(result.field, `That answer was not accepted: ${result.reason}`, placeOf(updated)));
        return {};
      case "invalid":
        await this.context.tell(where, actor, result.reason);
        return {};
      case "cancelled":
        return this.lifecycle.cancelCase(value, actor, where);
      case "moved":
        await say(questionMessage(result.next, undefined, placeOf(updated)));
        return {};
      case "accepted":
      case "skipped": {
        await this.deps.audit.append({
          caseId: value.id,
          actor,
          action: result.kind === "accepted" ? "ticket.answered" : "ticket.skipped",
          payload: { field: result.field.key },
        });
        if (result.field.key === "customerApprovers") await this.caseChannel.offer(updated, actor);
        const warning =
          result.kind === "accepted" && result.warning ? `Noted, with a warning: ${result.warning}` : undefined;
        // The answer as understood, said back before the next question.
        const answered = result.state.answers[result.field.key];
        const echo = result.kind === "accepted" && answered !== undefined ? answerEcho(result.field, answered) : "";
        const note = [echo, warning].filter(Boolean).join("\n") || undefined;
        if (result.next) {
          await say(questionMessage(result.next, note, placeOf(updated)));
        } else {
          if (note) await say(noticeMessage(note));
          await this.context.workflow.ticketCompleted(value.id, actor);
        }
        if (["customerName", "accountIds", "customerApprovers", "targetDate"].includes(result.field.key))
          await this.context.presenter.refresh(updated);
        return {};
      }
    }
  }

  /**
   * The retry of a request whose answer is already recorded (it failed after recording it): ask the question that
   * is open now, or finish the ticket if that is what was left undone.
   */
  private async resumeAfterReplay(value: Case): Promise<Outcome> {
    const field = currentField(value.ticket);
    if (field) await this.context.presenter.say(value, questionMessage(field, undefined, placeOf(value)));
    else if (value.status === "collecting") await this.context.workflow.ticketCompleted(value.id, "system");
    return {};
  }
}

/**
 * The case's own derived fields follow the ticket: customer name, accounts, customer approvers. The starter (when
 * not a partner member) is a customer approver only until the customer approvers are named, and afterwards only if
 * named.
 */
function deriveFromTicket(value: Case, starterIsCustomer: boolean): Case {
  const answers = value.ticket.answers;
  const named = Array.isArray(answers.customerApprovers) ? (answers.customerApprovers as Identity[]) : undefined;
  // An approver named by e-mail who has joined since keeps the platform identity they were bound to.
  const bound = (who: Identity) =>
    value.members.customer.find((m) => who.email && m.email?.toLowerCase() === who.email.toLowerCase()) ??
    learnedName(value.members.customer, who);
  const customer = named?.map(bound) ?? (starterIsCustomer ? [value.createdBy] : []);
  return {
    ...value,
    customerName: typeof answers.customerName === "string" ? answers.customerName : value.customerName,
    accounts: Array.isArray(answers.accountIds) ? (answers.accountIds as string[]) : value.accounts,
    members: {
      ...value.members,
      customer: customer.filter((p, i) => customer.findIndex((q) => sameIdentity(p, q)) === i),
    },
  };
}

/** A person typed by ids keeps the name they were seen acting under since (people-recognition.ts). */
function learnedName(members: Identity[], who: Identity): Identity {
  const seen = who.name ? undefined : members.find((m) => m.name && sameIdentity(m, who));
  return seen ? { ...who, name: seen.name } : who;
}

function ticketForm(value: Case): FormModel {
  return {
    callbackId: value.id,
    title: `Ticket ${value.id}`,
    submitLabel: "Save ticket",
    inputs: ticketFields.map((f) => {
      const answer: AnswerValue | undefined = value.ticket.answers[f.key];
      return {
        id: f.key,
        label: f.label,
        hint: f.appliesWhen ? `${f.hint ?? ""} Only needed when it applies.`.trim() : f.hint,
        optional: f.optional || Boolean(f.appliesWhen),
        multiline: f.multiline,
        initialValue: answer === undefined || answer === null ? undefined : f.toInput(answer),
        options: f.options?.map((o) => ({ value: o.value, label: o.label })),
        people: f.people,
      };
    }),
  };
}

/** The case and ticket a question is asked in: its number among the questions that apply, its answer buttons. */
function placeOf(value: Case): QuestionPlace {
  return { caseId: value.id, ticket: value.ticket };
}
