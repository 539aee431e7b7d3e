import type { AnswerValue, Case } from "../case";
import { assertTransition, editableStatuses, finishedStatuses } from "../case-status";
import { isCaseId, caseNumber } from "../case";
import { NotAuthorizedError, NotConfiguredError, NotFoundError, OffboardError, StaleApprovalError } from "../errors";
import { sameIdentity, type ChatLocation, type Identity } from "../identity";
import { message, text, type FormModel } from "../message";
import { parties, partyLabel, type Party } from "../party";
import { isFullyApproved, recordSignOff, voidSignOffs } from "../signoff";
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
import { parseMentions } from "../ticket/parsers";
import { caseExport } from "./case-export";
import { caseThread } from "./case-presenter";
import {
  caseMessage,
  helpMessage,
  mention,
  noticeMessage,
  planSummaryMessage,
  questionMessage,
  signOffMessage,
} from "./case-view";
import { parseCommand } from "./commands";
import type { ConversationDeps } from "./conversation-deps";
import { HandoffWorkflow } from "./handoff-workflow";
import type {
  ActionInbound,
  CommandInbound,
  Conversation,
  FormInbound,
  Inbound,
  MemberJoinedInbound,
  Outcome,
  ReplyInbound,
} from "./inbound";

/**
 * The core's conversation: turns what people do in a chat (commands, thread replies, button presses,
 * forms) into changes of a case, audit events and messages. Every chat adapter calls `handle`; no
 * flow logic lives in an adapter.
 */
export class OffboardConversation implements Conversation {
  readonly workflow: HandoffWorkflow;

  constructor(private readonly deps: ConversationDeps) {
    this.workflow = new HandoffWorkflow(deps);
  }

  async handle(input: Inbound): Promise<Outcome> {
    // Chat in threads that are not case threads is none of our business: no claim, no work.
    if (input.kind === "reply" && !(await this.isCaseThread(input.location))) return {};
    const claim = `inbound:${input.actor.platform}:${input.requestId}`;
    if (!(await this.deps.idempotency.claim(claim))) return {};
    try {
      switch (input.kind) {
        case "command":
          return await this.command(input);
        case "reply":
          return await this.reply(input);
        case "action":
          return await this.action(input);
        case "form":
          return await this.form(input);
        case "member_joined":
          return await this.memberJoined(input);
      }
    } catch (error) {
      if (!(error instanceof OffboardError)) {
        // Redis or the chat API failed half-way: let the platform's retry of this request try again.
        await this.deps.idempotency.release(claim).catch(() => undefined);
        throw error;
      }
      const where = "location" in input ? input.location : undefined;
      if (where) await this.tell(where, input.actor, error.message);
      return { notice: error.message };
    }
  }

  private async isCaseThread(where: ChatLocation): Promise<boolean> {
    return Boolean(where.threadId) && (await this.deps.cases.findByLocation(where)) !== undefined;
  }

  private tell(where: ChatLocation, to: Identity, note: string): Promise<void> {
    return this.deps.chat.ephemeral(where, to, noticeMessage(note));
  }

  private today(): Date {
    return this.deps.clock.now();
  }

  private async caseAt(where: ChatLocation): Promise<Case | undefined> {
    const id = await this.deps.cases.findByLocation(where);
    return id ? this.deps.cases.get(id) : undefined;
  }

  private async requireCase(where: ChatLocation, explicitId?: string): Promise<Case> {
    if (explicitId) {
      const found = isCaseId(explicitId.toUpperCase())
        ? await this.deps.cases.get(explicitId.toUpperCase())
        : undefined;
      if (!found) throw new NotFoundError(`there is no case ${explicitId}`);
      return found;
    }
    const found = await this.caseAt(where);
    if (!found) throw new NotFoundError("there is no Offboard case in this channel: `/offboard start` opens one");
    return found;
  }

  /**
   * Customer approvers and partner members may answer and edit the ticket (the starter too, until approvers are
   * named).
   */
  private async mayWorkOnTicket(value: Case, who: Identity): Promise<boolean> {
    if (value.members.customer.some((m) => sameIdentity(m, who))) return true;
    if (sameIdentity(value.createdBy, who) && value.ticket.answers.customerApprovers === undefined) return true;
    return this.deps.partners.isPartner(who);
  }

  private async requirePartner(who: Identity, what: string): Promise<void> {
    if (!(await this.deps.partners.isPartner(who))) throw new NotAuthorizedError(`only a partner approver can ${what}`);
  }

  // ---- commands -------------------------------------------------------------------------------

  private async command(input: CommandInbound): Promise<Outcome> {
    const parsed = parseCommand(input.words);
    if (!parsed) {
      await this.deps.chat.ephemeral(
        input.location,
        input.actor,
        message(`"${input.words.trim().split(/\s+/)[0]}" is not an Offboard command.`, [...helpMessage().blocks]),
      );
      return {};
    }
    const { actor, location } = input;
    switch (parsed.name) {
      case "help":
        await this.deps.chat.ephemeral(location, actor, helpMessage());
        return {};
      case "start":
        return this.start(input);
      case "status": {
        const value = await this.requireCase(location, parsed.args || undefined);
        await this.deps.chat.ephemeral(location, actor, caseMessage(value));
        return {};
      }
      case "edit":
        return this.applyTicketInput(
          await this.requireCase(location),
          actor,
          { kind: "edit", field: parsed.args },
          input.requestId,
        );
      case "cancel":
        return this.cancel(await this.requireCase(location), actor);
      case "plan":
        return this.plan(await this.requireCase(location), actor, location, parsed.args);
      case "approve": {
        const value = await this.requireCase(location);
        if (value.status !== "awaiting_signoff")
          throw new OffboardError(
            "invalid_transition",
            `case ${value.id} is not waiting for sign-offs (it is ${value.status})`,
          );
        const ref = await this.deps.chat.post(caseThread(value), signOffMessage(value));
        await this.deps.cases.update(value.id, (c) => ({ ...c, signOffMessage: ref }));
        return {};
      }
      case "assign":
        return this.assign(await this.requireCase(location), actor, parsed.args);
      case "run":
        return this.run(await this.requireCase(location), actor);
      case "retry": {
        const value = await this.requireCase(location);
        await this.requirePartner(actor, "retry an account");
        await this.workflow.retryAccount(value.id, parsed.args.replace(/\D/g, ""), actor);
        return {};
      }
      case "credentials":
        return this.credentials(await this.requireCase(location), actor, location, parsed.args);
      case "code":
        return this.rootCode(await this.requireCase(location), actor, location, parsed.args);
      case "export":
        return this.export(await this.requireCase(location), actor, location);
    }
  }

  private async start(input: CommandInbound): Promise<Outcome> {
    const { actor } = input;
    const channel: ChatLocation = { ...input.location, threadId: undefined };
    const open = await this.caseAt(channel);
    if (open && !finishedStatuses.includes(open.status)) {
      await this.tell(
        channel,
        actor,
        `case ${open.id} is already open in this channel (\`/offboard status\`); cancel it before starting another`,
      );
      return {};
    }
    const isPartner = await this.deps.partners.isPartner(actor);
    const id = await this.deps.cases.allocateId(this.today().getUTCFullYear());
    const now = this.today().toISOString();
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
    const ref = await this.deps.chat.post(channel, caseMessage(created));
    await this.deps.cases.bindLocation({ ...channel, threadId: ref.messageId }, id);
    await this.deps.cases.bindLocation(channel, id);
    const stored = await this.deps.cases.update(id, (c) => ({ ...c, caseMessage: ref }));
    const first = currentField(stored.ticket);
    if (first)
      await this.deps.chat.post(
        caseThread(stored),
        questionMessage(
          first,
          `Case ${id} is open. The ticket has ${ticketFields.length} questions; I ask them one at a time here.`,
        ),
      );
    return {};
  }

  private async cancel(value: Case, actor: Identity): Promise<Outcome> {
    if (!(await this.mayWorkOnTicket(value, actor)))
      throw new NotAuthorizedError(`only the customer's approvers or the partner can cancel ${value.id}`);
    const updated = await this.deps.cases.update(value.id, (c) => ({
      ...c,
      status: assertTransition(c.status, "cancelled", c.id),
    }));
    await this.deps.queue?.cancelScheduled(value.id);
    await this.deps.audit.append({ caseId: value.id, actor, action: "case.cancelled" });
    await this.workflow.presenter.say(
      updated,
      message(`Case ${value.id} was cancelled by ${mention(actor)}. Nothing was changed in AWS.`),
    );
    await this.workflow.presenter.refresh(updated);
    return { notice: `${value.id} cancelled` };
  }

  private async plan(value: Case, actor: Identity, where: ChatLocation, args: string): Promise<Outcome> {
    if (/^refresh\b/i.test(args)) {
      await this.requirePartner(actor, "read AWS again for a new plan");
      if (!this.deps.queue)
        throw new OffboardError("invalid_transition", "there is no AWS connection configured to plan with");
      const updated = await this.deps.cases.update(value.id, (c) =>
        c.status === "awaiting_signoff"
          ? { ...voidSignOffs(c).value, status: assertTransition(c.status, "planning", c.id) }
          : c,
      );
      if (updated.status !== "planning")
        throw new OffboardError(
          "invalid_transition",
          `case ${value.id} can be re-planned only while it waits for sign-offs`,
        );
      await this.deps.audit.append({ caseId: value.id, actor, party: "partner", action: "plan.refresh" });
      await this.deps.queue.preflight(value.id);
      await this.workflow.presenter.refresh(updated);
      return {};
    }
    if (!value.plan) {
      await this.tell(where, actor, `case ${value.id} has no plan yet (${value.status})`);
      return {};
    }
    await this.deps.chat.ephemeral(where, actor, planSummaryMessage(value, value.plan));
    return {};
  }

  private async assign(value: Case, actor: Identity, args: string): Promise<Outcome> {
    await this.requirePartner(actor, "name the AWS approver");
    const match = /^aws\s+(.+)$/i.exec(args);
    if (!match) throw new OffboardError("invalid_answer", "use `assign aws @user` to name the AWS approver");
    const parsed = parseMentions(match[1], actor.platform);
    if (!parsed.ok) throw new OffboardError("invalid_answer", parsed.reason);
    const people = parsed.value as Identity[];
    for (const person of people) {
      if (value.members.customer.some((m) => sameIdentity(m, person)))
        throw new NotAuthorizedError(`${mention(person)} is a customer approver and cannot also approve for AWS`);
      if (await this.deps.partners.isPartner(person))
        throw new NotAuthorizedError(`${mention(person)} is a partner member and cannot also approve for AWS`);
    }
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
    await this.workflow.presenter.say(updated, message(`${people.map(mention).join(", ")} will approve for AWS.`));
    await this.workflow.presenter.refresh(updated);
    if (updated.signOffMessage && updated.status === "awaiting_signoff")
      await this.deps.chat.update(updated.signOffMessage, signOffMessage(updated));
    return {};
  }

  private async run(value: Case, actor: Identity): Promise<Outcome> {
    await this.requirePartner(actor, "start the run");
    if (!isFullyApproved(value))
      throw new OffboardError(
        "invalid_transition",
        `case ${value.id} can run only after all three sign-offs (it is ${value.status})`,
      );
    if (value.status === "executing")
      throw new OffboardError("invalid_transition", `case ${value.id} is already running`);
    await this.workflow.startRun(value.id, actor);
    return {};
  }

  private async credentials(value: Case, actor: Identity, where: ChatLocation, args: string): Promise<Outcome> {
    await this.requirePartner(actor, "deposit root credentials");
    if (!this.deps.credentials)
      throw new OffboardError("invalid_transition", "credential links are not configured on this bot");
    const accountId = args.replace(/[\s-]/g, "");
    if (!/^\d{12}$/.test(accountId))
      throw new OffboardError("invalid_answer", "use `credentials <account>` with the 12-digit account ID");
    if (!value.accounts.includes(accountId))
      throw new OffboardError(
        "invalid_answer",
        `${accountId} is not a departing account of ${value.id} (${value.accounts.join(", ") || "none yet"})`,
      );
    await this.deps.credentials.requestDeposit(value.id, accountId, actor, where);
    return {};
  }

  /**
   * `code <account> <code>`: a customer approver gives the code AWS mailed to the account's new root
   * e-mail, which proves the customer receives mail there. The code itself is never logged, audited,
   * stored or repeated; only whether AWS took it.
   */
  private async rootCode(value: Case, actor: Identity, where: ChatLocation, args: string): Promise<Outcome> {
    const rootAccess = this.deps.rootAccess;
    if (!rootAccess)
      throw new OffboardError("invalid_transition", "the passwordless root handover is not configured on this bot");
    const usage =
      "use `code <account> <code>` with the 12-digit account ID and the code AWS mailed to its new root e-mail";
    const waiting = (value.plan?.accounts ?? []).filter(
      (a) =>
        a.rootHandover === "passwordless" && value.execution?.accounts[a.accountId]?.steps.root_handover === "running",
    );
    const tokens = args.trim().split(/\s+/).filter(Boolean);
    let accountId: string;
    let code: string;
    if (tokens.length >= 2)
      [accountId, code] = [tokens.slice(0, -1).join("").replace(/-/g, ""), tokens[tokens.length - 1]];
    else if (tokens.length === 1 && waiting.length === 1) [accountId, code] = [waiting[0].accountId, tokens[0]];
    else throw new OffboardError("invalid_answer", usage);
    if (!/^\d{12}$/.test(accountId)) throw new OffboardError("invalid_answer", usage);
    if (!/^[A-Za-z0-9]{4,16}$/.test(code))
      throw new OffboardError("invalid_answer", `that is not a code AWS sends (a few letters or digits): ${usage}`);

    const refused = (reason: string) =>
      this.deps.audit.append({ caseId: value.id, actor, action: "root.code_refused", payload: { accountId, reason } });
    if (!value.members.customer.some((m) => sameIdentity(m, actor))) {
      await refused("not a customer approver");
      throw new NotAuthorizedError(
        `only the customer's approvers can give the code for ${accountId}: it proves the customer receives mail at the new root e-mail address`,
      );
    }
    const accountPlan = value.plan?.accounts.find((a) => a.accountId === accountId);
    if (!accountPlan)
      throw new OffboardError(
        "invalid_answer",
        `${accountId} is not a departing account of ${value.id} (${value.accounts.join(", ")})`,
      );
    if (accountPlan.rootHandover !== "passwordless" || !accountPlan.newRootEmail) {
      throw new OffboardError(
        "invalid_answer",
        `root access to ${accountId} is handed over through a one-time credential link, not a root e-mail change: no code is needed`,
      );
    }
    const email = accountPlan.newRootEmail;
    const step = value.execution?.accounts[accountId]?.steps.root_handover;
    if (step === "done")
      throw new OffboardError(
        "invalid_transition",
        `the root e-mail of ${accountId} is ${email} already: no code is needed any more`,
      );
    if (value.status !== "executing" || step !== "running")
      throw new OffboardError(
        "invalid_transition",
        `the run is not waiting for a code for ${accountId} (case ${value.id} is ${value.status}): AWS mails it when the run reaches the root handover`,
      );

    const result = await rootAccess.acceptPrimaryEmailCode(accountId, email, code);
    switch (result.kind) {
      case "accepted":
      case "already_accepted": {
        await this.deps.audit.append({
          caseId: value.id,
          actor,
          party: "customer",
          action: "root.code_accepted",
          payload: { accountId, email },
        });
        await this.workflow.presenter.say(
          value,
          message(`Code accepted: the root e-mail of ${accountId} is now ${email}.`, [
            text(
              `✅ ${mention(actor)} gave the code: the root e-mail of *${accountId}* is now ${email}. Offboard carries on with the root handover.`,
            ),
          ]),
        );
        await this.deps.queue
          ?.wakeAccount?.(value.id, accountId)
          .catch((error: unknown) => this.deps.onError?.(error, `wake account ${accountId} of ${value.id}`));
        return { notice: `code accepted for ${accountId}` };
      }
      case "wrong_code":
        await refused("not the code AWS sent");
        await this.tell(
          where,
          actor,
          `That is not the code AWS sent to ${email} for ${accountId}. Check the latest e-mail from AWS to that address and try again: \`code ${accountId} <code>\`.`,
        );
        return { notice: "code refused" };
      case "new_code_sent":
        await refused("expired: AWS sent a new code");
        await this.tell(
          where,
          actor,
          `That code has expired (AWS's codes last 24 hours). AWS has just mailed a new one to ${email}: give it with \`code ${accountId} <code>\`.`,
        );
        return { notice: "code expired, new code sent" };
      case "address_taken":
        await refused("the address is the root e-mail of another AWS account");
        // The update stays pending and the run keeps waiting: once the address is free, the same code works.
        await this.workflow.presenter.say(
          value,
          message(`AWS refused ${email} for ${accountId}.`, [
            text(
              `⚠ AWS refused the new root e-mail of *${accountId}*: ${email} is already the root e-mail of another AWS account, and an address can be the root of only one. ` +
                `The customer frees it (signs in to that other account as root and changes its e-mail address), then gives the code again; ` +
                `or a partner approver hands ${accountId} over through a one-time credential link instead (\`credentials ${accountId}\`).`,
            ),
          ]),
        );
        return { notice: "address taken" };
    }
  }

  private async export(value: Case, actor: Identity, where: ChatLocation): Promise<Outcome> {
    const { events, verification } = await this.deps.audit.readVerified(value.id);
    const files = caseExport(value, events, this.today(), verification);
    await this.deps.audit.append({ caseId: value.id, actor, action: "case.exported" });
    if (this.deps.chat.capabilities(where.platform).uploads) {
      await this.deps.chat.upload(caseThread(value), {
        filename: `${value.id}.json`,
        title: `${value.id} export (JSON)`,
        content: files.json,
        mimeType: "application/json",
      });
      await this.deps.chat.upload(caseThread(value), {
        filename: `${value.id}.md`,
        title: `${value.id} report (Markdown)`,
        content: files.markdown,
        mimeType: "text/markdown",
      });
    } else {
      await this.deps.chat.post(
        { ...where, threadId: caseThread(value).threadId },
        message(`Export of ${value.id}`, [{ type: "text", text: "```\n" + files.markdown + "\n```" }]),
      );
    }
    return {};
  }

  // ---- the ticket ----------------------------------------------------------------------------

  private async reply(input: ReplyInbound): Promise<Outcome> {
    if (!input.location.threadId) return {};
    const value = await this.caseAt(input.location);
    if (!value || !value.caseMessage || value.caseMessage.messageId !== input.location.threadId) return {};
    const code = /^\s*code\s+(.+)$/is.exec(input.text);
    if (code && value.status === "executing") return this.rootCode(value, input.actor, input.location, code[1]);
    const flowInput = interpretReply(input.text);
    if (value.status !== "collecting" && flowInput.kind !== "edit" && flowInput.kind !== "cancel") return {};
    if (flowInput.kind === "cancel") return this.cancel(value, input.actor);
    return this.applyTicketInput(value, input.actor, flowInput, input.requestId);
  }

  private async applyTicketInput(
    value: Case,
    actor: Identity,
    flowInput: FlowInput,
    requestId: string,
  ): Promise<Outcome> {
    const where = caseThread(value);
    if (!(await this.mayWorkOnTicket(value, actor))) {
      await this.tell(
        where,
        actor,
        `only the customer's approvers and the partner can answer or edit the ticket of ${value.id}`,
      );
      return {};
    }
    if (!editableStatuses.includes(value.status))
      throw new OffboardError(
        "invalid_transition",
        `the ticket of ${value.id} can no longer change (it is ${value.status})`,
      );
    const starterIsCustomer = !(await this.deps.partners.isPartner(value.createdBy));
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
          outcome = applyInput(c.ticket, flowInput, { today: this.today(), platform: actor.platform });
          return c;
        }
        current = { ...voidSignOffs(c).value, status: assertTransition(c.status, "collecting", c.id) };
        reopened = true;
      }
      outcome = applyInput(current.ticket, flowInput, { today: this.today(), platform: actor.platform });
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
      await this.workflow.presenter.refresh(updated);
    }
    switch (result.kind) {
      case "refused":
        await this.deps.chat.post(
          where,
          questionMessage(result.field, `That answer was not accepted: ${result.reason}`),
        );
        return {};
      case "invalid":
        await this.tell(where, actor, result.reason);
        return {};
      case "cancelled":
        return this.cancel(value, actor);
      case "moved":
        await this.deps.chat.post(where, questionMessage(result.next));
        return {};
      case "accepted":
      case "skipped": {
        await this.deps.audit.append({
          caseId: value.id,
          actor,
          action: result.kind === "accepted" ? "ticket.answered" : "ticket.skipped",
          payload: { field: result.field.key },
        });
        if (result.field.key === "customerApprovers") await this.offerCaseChannel(updated, actor);
        const warning =
          result.kind === "accepted" && result.warning ? `Noted, with a warning: ${result.warning}` : undefined;
        if (result.next) {
          await this.deps.chat.post(where, questionMessage(result.next, warning));
        } else {
          if (warning) await this.deps.chat.post(where, noticeMessage(warning));
          await this.workflow.ticketCompleted(value.id, actor);
        }
        if (
          result.field.key === "customerName" ||
          result.field.key === "accountIds" ||
          result.field.key === "customerApprovers" ||
          result.field.key === "targetDate"
        )
          await this.workflow.presenter.refresh(updated);
        return {};
      }
    }
  }

  /**
   * The retry of a request whose answer is already recorded (it failed after recording it): ask the
   * question that is open now, or finish the ticket if that is what was left undone.
   */
  private async resumeAfterReplay(value: Case): Promise<Outcome> {
    const field = currentField(value.ticket);
    if (field) await this.deps.chat.post(caseThread(value), questionMessage(field));
    else if (value.status === "collecting") await this.workflow.ticketCompleted(value.id, "system");
    return {};
  }

  /**
   * Started in the partner's own channel: offer a dedicated Slack Connect channel with the customer's approvers
   * invited.
   */
  private async offerCaseChannel(value: Case, actor: Identity): Promise<void> {
    const home = value.locations[0];
    const canCreate = this.deps.chat.capabilities(home.platform).sharedChannels && home.shared === false;
    if (!canCreate || !(await this.deps.partners.isPartner(actor))) return;
    const emails = value.members.customer.map((m) => m.email).filter((e): e is string => Boolean(e));
    const name = caseChannelName(value);
    await this.deps.chat.post(caseThread(value), {
      text: `This channel is not shared with ${value.customerName ?? "the customer"}. Create #${name}?`,
      blocks: [
        {
          type: "text",
          text: `This channel is not shared with ${value.customerName ?? "the customer"}. I can create *#${name}* and invite ${emails.length ? emails.join(", ") : "the customer's approvers"} through Slack Connect; the case carries on there.`,
        },
        {
          type: "actions",
          buttons: [
            {
              actionId: "channel.create",
              label: `Create #${name}`,
              value: value.id,
              style: "primary",
              confirm: {
                title: `Create #${name}?`,
                text: `Creates a channel shared with ${emails.join(", ") || "the customer"}.`,
                confirm: "Create",
                deny: "Stay here",
              },
            },
          ],
        },
      ],
    });
  }

  private async createCaseChannel(value: Case, actor: Identity): Promise<Outcome> {
    await this.requirePartner(actor, "create the case channel");
    if (!this.deps.chat.capabilities(value.locations[0].platform).sharedChannels)
      throw new NotConfiguredError("this platform cannot create shared channels: invite the customer to this channel");
    if (value.locations.length > 1)
      throw new OffboardError("invalid_transition", `case ${value.id} already has its own channel`);
    const emails = value.members.customer.map((m) => m.email).filter((e): e is string => Boolean(e));
    const created = await this.deps.chat.createSharedChannel(caseChannelName(value), emails, value.locations[0]);
    const ref = await this.deps.chat.post(created, caseMessage(value));
    await this.deps.cases.bindLocation({ ...created, threadId: ref.messageId }, value.id);
    await this.deps.cases.bindLocation({ ...created, threadId: undefined }, value.id);
    const updated = await this.deps.cases.update(value.id, (c) => ({
      ...c,
      locations: [{ ...created, threadId: undefined, shared: true }, ...c.locations],
      caseMessage: ref,
    }));
    await this.deps.audit.append({
      caseId: value.id,
      actor,
      party: "partner",
      action: "channel.created",
      payload: { channel: created.channelId, invited: emails },
    });
    await this.deps.chat.post(
      caseThread(value),
      message(
        `The case continues in the new channel #${caseChannelName(value)}; the customer's approvers were invited.`,
      ),
    );
    const field = currentField(updated.ticket);
    if (field)
      await this.deps.chat.post(caseThread(updated), questionMessage(field, `Case ${value.id} continues here.`));
    return {};
  }

  // ---- buttons and forms -------------------------------------------------------------------------

  private async action(input: ActionInbound): Promise<Outcome> {
    const { actor, location } = input;
    switch (input.actionId) {
      case "signoff.approve":
        return this.signOff(input);
      case "ticket.form": {
        const value = await this.requireCase(location, input.value);
        if (!(await this.mayWorkOnTicket(value, actor)))
          throw new NotAuthorizedError(
            `only the customer's approvers and the partner can answer the ticket of ${value.id}`,
          );
        return { openForm: ticketForm(value) };
      }
      case "run.start":
        return this.run(await this.requireCase(location, input.value), actor);
      case "case.cancel":
        return this.cancel(await this.requireCase(location, input.value), actor);
      case "channel.create":
        return this.createCaseChannel(await this.requireCase(location, input.value), actor);
      case "account.retry": {
        const [caseId, accountId] = input.value.split(":");
        await this.requirePartner(actor, "retry an account");
        await this.workflow.retryAccount(caseId, accountId, actor);
        return {};
      }
      default:
        throw new OffboardError("invalid_answer", `unknown action ${input.actionId}`);
    }
  }

  private async signOff(input: ActionInbound): Promise<Outcome> {
    const [caseId, partyText, presentedHash] = input.value.split(":");
    const party = partyText as Party;
    if (!parties.includes(party) || !caseId) throw new StaleApprovalError("this approval button is not valid");
    const value = await this.deps.cases.get(caseId);
    if (!value) throw new NotFoundError(`there is no case ${caseId}`);
    const isPartner = await this.deps.partners.isPartner(input.actor);
    try {
      const updated = await this.deps.cases.update(caseId, (c) => {
        if (c.status !== "awaiting_signoff") throw new StaleApprovalError();
        let next = recordSignOff(c, { party, by: input.actor, presentedHash, isPartner, at: this.today() });
        if (isFullyApproved(next)) next = { ...next, status: assertTransition(next.status, "approved", next.id) };
        return next;
      });
      await this.deps.audit.append({
        caseId,
        actor: input.actor,
        party,
        action: "signoff.recorded",
        payload: { hash: updated.signOffs.find((s) => s.party === party)?.hash },
      });
      await this.workflow.signOffRecorded(updated);
      return { notice: `Approved for ${partyLabel[party]}` };
    } catch (error) {
      if (error instanceof NotAuthorizedError)
        await this.deps.audit.append({
          caseId,
          actor: input.actor,
          party,
          action: "signoff.denied",
          payload: { reason: error.message },
        });
      throw error;
    }
  }

  private async form(input: FormInbound): Promise<Outcome> {
    const value = await this.deps.cases.get(input.callbackId);
    if (!value) throw new NotFoundError(`there is no case ${input.callbackId}`);
    if (!(await this.mayWorkOnTicket(value, input.actor)))
      throw new NotAuthorizedError(
        `only the customer's approvers and the partner can answer the ticket of ${value.id}`,
      );
    if (value.status !== "collecting")
      return {
        formErrors: {
          [ticketFields[0].key]:
            `the ticket of ${value.id} is no longer being collected (${value.status}); use \`edit <field>\``,
        },
      };
    const starterIsCustomer = !(await this.deps.partners.isPartner(value.createdBy));
    let errors: Record<string, string> = {};
    const updated = await this.deps.cases.update(value.id, (c) => {
      const result = applyForm(c.ticket, input.values, { today: this.today(), platform: input.actor.platform });
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
    const after = this.workflow.ticketCompleted(value.id, input.actor).then(
      () => undefined,
      (error: unknown) => this.deps.onError?.(error, `complete the ticket of ${value.id}`),
    );
    return { after };
  }

  private async memberJoined(input: MemberJoinedInbound): Promise<Outcome> {
    const email = input.actor.email?.toLowerCase();
    if (!email) return {};
    const value = await this.caseAt({ ...input.location, threadId: undefined });
    if (!value) return {};
    const pending = value.members.customer.find(
      (m) => m.email?.toLowerCase() === email && m.userId.startsWith("email:"),
    );
    if (!pending) return {};
    const bound: Identity = { ...input.actor, email };
    await this.deps.cases.update(value.id, (c) => ({
      ...c,
      members: { ...c.members, customer: c.members.customer.map((m) => (m.userId === pending.userId ? bound : m)) },
    }));
    await this.deps.audit.append({
      caseId: value.id,
      actor: input.actor,
      party: "customer",
      action: "party.customer_joined",
      payload: { userId: input.actor.userId },
    });
    return {};
  }
}

/** The case's own derived fields follow the ticket: customer name, accounts, customer approvers. */
function deriveFromTicket(value: Case, starterIsCustomer: boolean): Case {
  const answers = value.ticket.answers;
  const approvers = Array.isArray(answers.customerApprovers) ? (answers.customerApprovers as Identity[]) : [];
  const starter = starterIsCustomer ? [value.createdBy] : [];
  const customer = [...starter, ...approvers].filter((p, i, all) => all.findIndex((q) => sameIdentity(p, q)) === i);
  return {
    ...value,
    customerName: typeof answers.customerName === "string" ? answers.customerName : value.customerName,
    accounts: Array.isArray(answers.accountIds) ? (answers.accountIds as string[]) : value.accounts,
    members: { ...value.members, customer: customer.length ? customer : value.members.customer },
  };
}

export function caseChannelName(value: Case): string {
  const customer =
    (value.customerName ?? "customer")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "customer";
  return `offboard-${customer}-${caseNumber(value.id)}`;
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
