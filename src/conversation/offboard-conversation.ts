import { actingAt, auditWithPlaces, placeOf } from "../audit/audit-place";
import { InvalidCommandError, OffboardError, OffboardFailure, StaleApprovalError } from "../errors";
import { isCaseThread } from "../case-homes";
import type { ActionInbound, Conversation, FormInbound, Inbound, MessageInbound, Outcome } from "../ports";
import { currentField } from "../ticket/flow";
import { readButton, type ButtonAction, type ButtonId } from "./buttons";
import { CaseChannelHandler } from "./case-channel-handler";
import { CaseInfoHandler } from "./case-info-handler";
import type { CommandName } from "./commands";
import { ConversationContext, type CommandHandler, type CommandRequest } from "./conversation-context";
import type { ConversationDeps } from "./conversation-deps";
import { CredentialsHandler } from "./credentials-handler";
import { readForm } from "./forms";
import { HandoffWorkflow } from "./handoff-workflow";
import { HomeHandler } from "./home-handler";
import { LinkHandler } from "./link-handler";
import { UnlinkHandler } from "./unlink-handler";
import { readMessage } from "./message-reading";
import type { ThreadRead } from "./people-recognition";
import { PeopleRecognition } from "./people-recognition";
import { RootCodeHandler } from "./root-code-handler";
import { RunHandler } from "./run-handler";
import { SignOffHandler } from "./signoff-handler";
import { TicketHandler } from "./ticket-handler";

type ButtonHandler<Id extends ButtonId> = (
  press: Extract<ButtonAction, { id: Id }>,
  input: ActionInbound,
) => Promise<Outcome>;

/**
 * The core's conversation: turns what people do in a chat (words, button presses, forms) into changes of a case,
 * audit events and messages. Every chat adapter calls `handle`; no flow logic lives in an adapter.
 *
 * This class only routes: the one reading rule decides command or answer (message-reading.ts), the command table
 * and the button table name the use-case handler of each, and errors are answered by their kind (src/errors.ts).
 */
export class OffboardConversation implements Conversation {
  readonly workflow: HandoffWorkflow;
  private readonly context: ConversationContext;
  private readonly ticket: TicketHandler;
  private readonly signOff: SignOffHandler;
  private readonly runs: RunHandler;
  private readonly caseChannel: CaseChannelHandler;
  private readonly info: CaseInfoHandler;
  private readonly home: HomeHandler;
  private readonly people: PeopleRecognition;
  private readonly commands: Record<CommandName, CommandHandler>;
  private readonly buttons: { [Id in ButtonId]: ButtonHandler<Id> };

  private readonly deps: ConversationDeps;

  constructor(deps: ConversationDeps) {
    // Every event a person's request appends says where it was taken (src/audit/audit-place.ts).
    this.deps = deps = { ...deps, audit: auditWithPlaces(deps.audit) };
    this.workflow = new HandoffWorkflow(deps);
    this.context = new ConversationContext(deps, this.workflow);
    this.runs = new RunHandler(this.context);
    this.caseChannel = new CaseChannelHandler(this.context);
    this.ticket = new TicketHandler(this.context, this.runs, this.caseChannel);
    this.signOff = new SignOffHandler(this.context);
    this.info = new CaseInfoHandler(this.context);
    this.home = new HomeHandler(this.context);
    this.people = new PeopleRecognition(this.context);
    const credentials = new CredentialsHandler(this.context);
    const rootCode = new RootCodeHandler(this.context);
    const links = new LinkHandler(this.context);
    const unlinks = new UnlinkHandler(this.context);

    this.commands = {
      start: (r) => this.ticket.start(r),
      status: (r) => this.info.status(r),
      edit: (r) => this.ticket.edit(r),
      plan: (r) => this.info.plan(r),
      approve: (r) => this.signOff.showSignOff(r),
      assign: (r) => this.signOff.assignAws(r),
      run: (r) => this.runs.runCommand(r),
      retry: (r) => this.runs.retryCommand(r),
      credentials: (r) => credentials.deposit(r),
      code: (r) => rootCode.codeCommand(r),
      cancel: (r) => this.runs.cancelCommand(r),
      export: (r) => this.info.export(r),
      link: (r) => links.link(r),
      join: (r) => links.join(r),
      unlink: (r) => unlinks.unlink(r),
      help: (r) => this.info.help(r),
    };
    this.buttons = {
      "signoff.approve": (p, input) =>
        this.signOff.review(p.caseId, p.party, p.fingerprint, input.actor, input.location),
      "ticket.form": async (p, input) =>
        this.ticket.openForm(await this.context.requireCaseById(p.caseId), input.actor, input.location),
      "run.start": async (p, input) =>
        this.runs.run(await this.context.requireCaseById(p.caseId), input.actor, input.location),
      "case.cancel": async (p, input) =>
        this.runs.cancelCase(await this.context.requireCaseById(p.caseId), input.actor, input.location),
      "channel.create": async (p, input) =>
        this.caseChannel.create(await this.context.requireCaseById(p.caseId), input.actor, input.location),
      "account.retry": async (p, input) =>
        this.runs.retry(await this.context.requireCaseById(p.caseId), p.accountId, input.actor, input.location),
      "ticket.choice": async (p, input) =>
        this.ticket.choose(
          await this.context.requireCaseById(p.caseId),
          p.field,
          p.choice,
          input.actor,
          input.requestId,
          input.location,
        ),
      "ticket.date": async (p, input) => {
        // The picked day is read exactly as if it had been typed; a press without one is a forged press.
        if (!input.picked || !/^\d{4}-\d{2}-\d{2}$/.test(input.picked))
          throw new InvalidCommandError("pick a day in the date picker first");
        return this.ticket.choose(
          await this.context.requireCaseById(p.caseId),
          p.field,
          input.picked,
          input.actor,
          input.requestId,
          input.location,
        );
      },
      "plan.details": (p, input) => this.info.details(p.caseId, input.actor, input.location),
    };
  }

  async handle(input: Inbound): Promise<Outcome> {
    // Chat that is none of our business (people talking in a channel or another thread): no claim, no work.
    const read = input.kind === "message" ? await this.read(input) : undefined;
    const reading = read?.reading;
    if (reading?.kind === "ignore") return {};
    const claim = `inbound:${input.actor.platform}:${input.requestId}`;
    if (!(await this.deps.idempotency.claim(claim))) return {};
    const place =
      input.kind === "form" ? (input.submittedIn ?? input.actor) : "location" in input ? input.location : input.actor;
    return actingAt(placeOf(place), () => this.handleClaimed(input, claim, reading, read?.thread));
  }

  private async handleClaimed(
    input: Inbound,
    claim: string,
    reading: ReturnType<typeof readMessage> | undefined,
    thread: ThreadRead | undefined,
  ): Promise<Outcome> {
    try {
      // Who the person is in the case decides what they may do: an approver named by e-mail is bound first.
      await this.people.recognise(input, thread);
      switch (input.kind) {
        case "message":
          return await this.message(input, reading!);
        case "action":
          return await this.action(input);
        case "form":
          return await this.form(input);
        case "member_joined":
          return await this.caseChannel.memberJoined(input);
        case "home_opened":
          return await this.home.opened(input);
      }
    } catch (error) {
      if (error instanceof OffboardError) return this.answerMistake(input, error);
      // Our failure (Redis, a chat API, a bug): the platform's retry of this request may try again.
      await this.deps.idempotency.release(claim).catch(() => undefined);
      const failure = OffboardFailure.of(error);
      this.deps.onError?.(
        error,
        `handle ${input.kind} request ${input.requestId} (reference ${failure.correlationId})`,
      );
      throw failure;
    }
  }

  /** A person's mistake or a refusal: told to them privately, with what to do instead; the request is done. */
  private async answerMistake(input: Inbound, error: OffboardError): Promise<Outcome> {
    const where = "location" in input ? input.location : undefined;
    if (where) await this.context.tell(where, input.actor, error.message);
    return { notice: error.message };
  }

  /** How a message reads, and the case of its thread when one was read to tell (recognising the person reuses it). */
  private async read(input: MessageInbound): Promise<{ reading: ReturnType<typeof readMessage>; thread?: ThreadRead }> {
    const where = input.location;
    if (!where.threadId) return { reading: readMessage(input, { caseThread: false, questionOpen: false }) };
    const value = await this.context.caseAt(where);
    const caseThread = Boolean(value && isCaseThread(value, where));
    const questionOpen = caseThread && value!.status === "collecting" && currentField(value!.ticket) !== undefined;
    return { reading: readMessage(input, { caseThread, questionOpen }), thread: { value } };
  }

  private async message(input: MessageInbound, reading: ReturnType<typeof readMessage>): Promise<Outcome> {
    const request: CommandRequest = {
      actor: input.actor,
      location: input.location,
      args: "",
      requestId: input.requestId,
      direct: input.direct,
    };
    switch (reading.kind) {
      case "command":
        return this.commands[reading.command.name]({ ...request, args: reading.command.args });
      case "unknown_command":
        return this.info.unknown(request, reading.word);
      case "answer": {
        const value = await this.context.requireCase(input.location);
        return this.ticket.answer(value, input.actor, input.text, input.location, input.requestId);
      }
      case "ignore":
        return {};
    }
  }

  /** A submitted form: the ticket, or an approval (forms.ts). */
  private async form(input: FormInbound): Promise<Outcome> {
    const submitted = readForm(input.callbackId);
    if (!submitted) throw new StaleApprovalError("this form is not valid any more; use the latest message of the case");
    if (submitted.id === "ticket") return this.ticket.submitForm(input);
    return this.signOff.approve(submitted.caseId, submitted.party, submitted.fingerprint, input.actor);
  }

  private async action(input: ActionInbound): Promise<Outcome> {
    const press = readButton(input.actionId, input.value);
    if (!press) throw new StaleApprovalError("this button is not valid any more; use the latest message of the case");
    const handler = this.buttons[press.id] as ButtonHandler<typeof press.id>;
    return handler(press, input);
  }
}
