import { defaultProgressEditBudget, progressEditScopes } from "../edit-budget";
import type { AccountProgress, AccountState, Case, StepState } from "../case";
import { assertTransition } from "../case-status";
import { NotFoundError, NotReadyError, OffboardError } from "../errors";
import type { AccountRejection, HandoffEvents, ReminderKind } from "../handoff-events";
import { dateText, dayText } from "../date-text";
import { describeIdentity, type Identity } from "../identity";
import { context, literal, message, text } from "../message";
import {
  describeBlockers,
  handoffStepLabel,
  handoffSteps,
  planHeaderOf,
  planOf,
  type AccountReadiness,
  type ExitCheck,
  type HandoffStep,
  type Plan,
  type ReadinessBlocker,
} from "../plan";
import { isEmailOnly } from "../mention";
import { isFullyApproved, missingParties, signOffFor, voidSignOffs } from "../signoff";
import { partyLabel, type Party } from "../party";
import { fieldByKey } from "../ticket/fields";
import { renderTicketTemplate } from "../ticket/template";
import type { StepCount } from "../step-count";
import { homesOf } from "../case-homes";
import { CasePresenter } from "./case-presenter";
import {
  planSummaryMessage,
  progressMessage,
  questionMessage,
  progressOf,
  runCounts,
  signOffRequestMessage,
  ticketSummaryMessage,
} from "./case-view";
import type { ConversationDeps } from "./conversation-deps";

/**
 * At most one edit of a case's progress message every 2 s, however many accounts and items move: Slack's
 * `chat.update` is a Web API Tier 3 method, 50+ calls a minute per app and workspace (Slack API docs, "Rate limits"),
 * so one running case takes at most 30 a minute and leaves room for its case card and another case.
 */
const progressEditIntervalMs = 2000;

/**
 * While the run goes on with nothing to count (leaving the organization, the root handover, a wait for the
 * customer), the progress is redrawn this often anyway, so its elapsed time moves: 4 edits a minute.
 */
const progressHeartbeatMs = 15_000;

/** When a workspace's progress edits of the window are spent, how soon the case tries again. */
const progressBudgetRetryMs = 5_000;

/**
 * The case's life after the ticket: planning, sign-off, scheduling, execution progress and close-out.
 * Implements HandoffEvents for the queued work, and is called by the conversation for the moves
 * people make (ticket completed, approved, run now, retry).
 */
export class HandoffWorkflow implements HandoffEvents {
  readonly presenter: CasePresenter;
  /** Per case, the edit of its progress message waiting for its turn, and when it is due (ms). */
  private readonly pendingProgress = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly lastProgressAt = new Map<string, number>();
  /** Cases whose progress edit is being drawn now: a turn that comes meanwhile waits (a slow or rate-limited edit). */
  private readonly drawingProgress = new Set<string>();
  /** Per case, the run's counts its case card shows now: the card is edited only when they change. */
  private readonly cardCounts = new Map<string, string>();
  private closed = false;

  constructor(private readonly deps: ConversationDeps) {
    this.presenter = new CasePresenter(
      deps.chat,
      deps.partners,
      deps.partnerName ?? "the partner",
      deps.cases,
      (error, what) => this.reportError(error, what),
    );
  }

  private reportError(error: unknown, what: string): void {
    this.deps.onError?.(error, what);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** The ticket is complete (again): summary, then the plan (or the sign-off when there is no AWS work). */
  async ticketCompleted(caseId: string, actor: Identity | "system"): Promise<Case> {
    const hasQueue = Boolean(this.deps.queue);
    const updated = await this.deps.cases.update(caseId, (c) => ({
      ...voidSignOffs(c).value,
      status: assertTransition(c.status, "planning", c.id),
      ...(hasQueue ? {} : { status: "awaiting_signoff" as const }),
    }));
    await this.deps.audit.append({
      caseId,
      actor,
      action: "ticket.completed",
      payload: { answers: updated.ticket.answers },
    });
    await this.presenter.say(updated, ticketSummaryMessage(updated, renderTicketTemplate(updated.ticket.answers)));
    if (this.deps.queue) {
      await this.deps.queue.preflight(caseId);
      await this.presenter.refresh(updated);
      return updated;
    }
    return this.postSignOff(updated);
  }

  private async postSignOff(value: Case): Promise<Case> {
    const stored = await this.presenter.keep(value, "signOffMessage", await this.presenter.signOffCard(value), {
      repost: true,
    });
    await this.presenter.refresh(stored);
    await this.askApprovers(stored, "customer", stored.members.customer);
    await this.askApprovers(stored, "aws", stored.members.aws);
    return stored;
  }

  /**
   * Asks approvers where they are: a direct message with the plan in one line and their party's approve button.
   * Only while the party still waits; people named by e-mail (not on the platform yet) are asked when they join.
   * A message that cannot be delivered is reported, never a reason to stop the sign-off.
   */
  async askApprovers(value: Case, party: Party, people: Identity[]): Promise<void> {
    if (value.status !== "awaiting_signoff" || signOffFor(value, party)) return;
    for (const person of people.filter((p) => !isEmailOnly(p))) {
      try {
        await this.deps.chat.direct(person, signOffRequestMessage(value, party));
      } catch (error) {
        this.reportError(error, `ask ${person.userId} to approve ${value.id} for ${party}`);
      }
    }
  }

  /**
   * The preflight's plan: its header into the case document (with the fingerprint the sign-offs bind to), each
   * account's plan into its own field, in one atomic write.
   */
  async planReady(caseId: string, plan: Plan): Promise<void> {
    let voided = 0;
    const accountIds = plan.accounts.map((a) => a.accountId);
    const { case: updated } = await this.deps.cases.updateAccounts(caseId, accountIds, (c) => {
      if (c.status !== "planning" && c.status !== "awaiting_signoff") return { case: c };
      voided = c.signOffs.length;
      const stored: Plan = { ...plan, version: (c.plan?.version ?? 0) + 1 };
      return {
        case: {
          ...voidSignOffs(c).value,
          plan: planHeaderOf(stored),
          status: assertTransition(c.status, "awaiting_signoff", c.id),
        },
        accounts: Object.fromEntries(stored.accounts.map((a) => [a.accountId, { plan: a }])),
      };
    });
    if (!updated.plan || updated.status !== "awaiting_signoff") return;
    // Accounts edited out of the ticket since an earlier plan: their plans would stay in the case, unread.
    await this.deps.cases
      .dropOtherAccounts(caseId, updated.version, accountIds)
      .catch((e) => this.reportError(e, `remove the plans of accounts no longer in ${caseId}`));
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: "plan.ready",
      payload: { version: updated.plan.version, accounts: updated.plan.accountCount, voidedSignOffs: voided },
    });
    await this.presenter.say(updated, planSummaryMessage(updated, planOf(updated.plan, plan.accounts)));
    await this.postSignOff(updated);
    const targetDate = updated.ticket.answers.targetDate;
    if (this.deps.queue && typeof targetDate === "string")
      await this.deps.queue
        .scheduleReminders(caseId, targetDate)
        .catch((e) => this.reportError(e, "schedule reminders"));
  }

  async planRejected(caseId: string, rejections: AccountRejection[]): Promise<void> {
    const updated = await this.deps.cases.update(caseId, (c) => {
      if (c.status !== "planning") return c;
      return {
        ...c,
        status: assertTransition(c.status, "collecting", c.id),
        ticket: { ...c.ticket, cursor: "accountIds", completedAt: undefined },
      };
    });
    if (updated.status !== "collecting") return;
    await this.deps.audit.append({ caseId, actor: "system", action: "plan.rejected", payload: { rejections } });
    const reasons = rejections.map((r) => `${r.accountId}: ${literal(r.reason)}`).join("\n");
    const field = fieldByKey("accountIds");
    if (field)
      await this.presenter.say(
        updated,
        questionMessage(
          field,
          `The organization does not accept these accounts:\n${reasons}\nPlease give the departing account IDs again.`,
          { caseId: updated.id, ticket: updated.ticket },
        ),
      );
    await this.presenter.refresh(updated);
  }

  /** A new sign-off was recorded; when it was the third, the case is approved and scheduled. */
  async signOffRecorded(value: Case): Promise<void> {
    await this.presenter.keep(value, "signOffMessage", await this.presenter.signOffCard(value));
    if (value.status === "approved") await this.approved(value);
    else await this.presenter.refresh(value);
  }

  private async approved(value: Case): Promise<void> {
    await this.deps.audit.append({
      caseId: value.id,
      actor: "system",
      action: "case.approved",
      payload: { signOffs: value.signOffs.map((s) => ({ party: s.party, hash: s.hash })) },
    });
    const targetDate = value.ticket.answers.targetDate;
    let current = value;
    if (this.deps.queue && typeof targetDate === "string") {
      const at = new Date(Math.max(Date.parse(`${targetDate}T09:00:00Z`), this.deps.clock.now().getTime()));
      await this.deps.queue.scheduleRun(value.id, at);
      current = await this.deps.cases.update(value.id, (c) =>
        c.status === "approved"
          ? {
              ...c,
              status: assertTransition(c.status, "scheduled", c.id),
              execution: { ...c.execution, scheduledFor: at.toISOString() },
            }
          : c,
      );
      await this.presenter.say(
        current,
        message(
          `All three parties approved ${value.id}. The handoff is scheduled for ${dateText(at)}; a partner approver can run it now.`,
        ),
      );
    } else {
      await this.presenter.say(current, message(`All three parties approved ${value.id}.`));
    }
    await this.presenter.refresh(current);
  }

  /**
   * A partner approver starts the run now. Only the accounts the signed plan shows ready run; the others are left
   * out with their blockers, said in the thread, and run later with `retry <account>` or after `plan refresh`.
   * Each account's readiness is checked again right before it runs (jobs/account-handoff.ts).
   */
  async startRun(caseId: string, actor: Identity | "system"): Promise<Case> {
    let leftOut: { accountId: string; blockers: ReadinessBlocker[] }[] = [];
    // Only the blocked accounts' state is read: their blockers are said and recorded. A plan refresh in between
    // would void the sign-offs, and the change below refuses to run an unsigned plan.
    const blockedIds = (await this.deps.cases.get(caseId))?.plan?.blocked ?? [];
    const { case: updated } = await this.deps.cases.updateAccounts(caseId, blockedIds, (c, accounts) => {
      if (c.status === "executing") return { case: c };
      if (!isFullyApproved(c))
        throw new OffboardError(
          "invalid_transition",
          `case ${c.id} still needs sign-off from ${missingParties(c)
            .map((p) => partyLabel[p])
            .join(", ")}`,
        );
      const blocked = (c.plan?.blocked ?? []).map((accountId) => ({
        accountId,
        blockers: accounts[accountId]?.plan?.readiness?.blockers ?? [],
      }));
      if (blocked.length > 0 && blocked.length === c.plan?.accountCount)
        throw new NotReadyError(
          `no account of ${c.id} is ready to run: ${blocked
            .map((a) => `${a.accountId}: ${describeBlockers(a.blockers)}`)
            .join(" · ")}`,
        );
      leftOut = blocked;
      const at = this.now();
      const changes = Object.fromEntries(
        leftOut.map(({ accountId, blockers }) => [
          accountId,
          {
            progress: {
              ...(accounts[accountId]?.progress ?? { accountId, steps: {} }),
              leftOut: { blockers, at },
              updatedAt: at,
            },
          },
        ]),
      );
      return {
        case: {
          ...c,
          status: assertTransition(c.status, "executing", c.id),
          execution: { ...c.execution, startedAt: at },
        },
        accounts: changes,
      };
    });
    await this.deps.audit.append({
      caseId,
      actor,
      action: "run.started",
      payload: leftOut.length ? { leftOut: leftOut.map((l) => l.accountId) } : undefined,
    });
    await this.ensureProgressMessage(updated);
    if (leftOut.length) await this.presenter.say(updated, leftOutMessage(updated.id, leftOut, "This run leaves out"));
    await this.deps.queue?.runNow(caseId);
    await this.presenter.refresh(updated);
    return updated;
  }

  /** An account was not ready right before it ran: recorded, said, and it waits for `retry` or `plan refresh`. */
  async accountLeftOut(caseId: string, accountId: string, readiness: AccountReadiness): Promise<void> {
    const at = this.now();
    const updated = await this.changeProgress(caseId, accountId, (previous) => ({
      ...previous,
      leftOut: { blockers: readiness.blockers, at },
      updatedAt: at,
    }));
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: "run.account_left_out",
      payload: { accountId, blockers: readiness.blockers },
    });
    await this.presenter.say(
      updated,
      leftOutMessage(
        caseId,
        [{ accountId, blockers: readiness.blockers }],
        "Checked again right before it ran, this run leaves out",
      ),
    );
    this.scheduleProgress(updated.id);
  }

  /** The exit check of an account, stored in the case (and so in `export`). */
  async exitChecked(caseId: string, accountId: string, check: ExitCheck): Promise<void> {
    const at = this.now();
    await this.changeProgress(caseId, accountId, (previous) => ({ ...previous, exitCheck: check, updatedAt: at }));
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: check.stage === "final" ? "exit.checked" : "exit.read_before_lock",
      payload: { accountId, ...check },
    });
  }

  /**
   * A partner approver records that the root e-mail of a credential-link account is the customer's (where Offboard
   * cannot read it: no trusted access for AWS Account Management, or no address in the ticket). The exit check
   * shows it.
   */
  async confirmRootEmail(caseId: string, accountId: string, actor: Identity): Promise<Case> {
    const at = this.now();
    const updated = await this.changeProgress(caseId, accountId, (previous, c) => {
      if (!c.accounts.includes(accountId)) throw new NotFoundError(`${accountId} is not an account of case ${c.id}`);
      return { ...previous, rootEmailConfirmed: { by: describeIdentity(actor), at }, updatedAt: at };
    });
    await this.deps.audit.append({
      caseId,
      actor,
      party: "partner",
      action: "root_email.confirmed",
      payload: { accountId },
    });
    return updated;
  }

  /**
   * Changes one account's progress (a new one when it has none), the case document as it is: runs of different
   * accounts write different fields and never conflict. `change` may throw to refuse.
   */
  private async changeProgress(
    caseId: string,
    accountId: string,
    change: (previous: AccountProgress, current: Case) => AccountProgress,
  ): Promise<Case> {
    const { case: updated } = await this.deps.cases.updateAccounts(caseId, [accountId], (c, accounts) => {
      const previous = accounts[accountId]?.progress ?? { accountId, steps: {}, updatedAt: this.now() };
      return { case: c, accounts: { [accountId]: { progress: change(previous, c) } } };
    });
    return updated;
  }

  /** Every account's plan and progress, for the progress message. */
  private runAccounts(value: Case): Promise<Record<string, AccountState>> {
    return this.deps.cases.accounts(value.id, value.accounts);
  }

  /** The progress message in every home that does not show it yet (a home may join after the run started). */
  private async ensureProgressMessage(value: Case): Promise<Case> {
    if (homesOf(value).every((home) => home.refs.progressMessage)) return value;
    const body = progressMessage(value, await this.runAccounts(value), this.deps.clock.now());
    return this.presenter.keep(value, "progressMessage", body);
  }

  /** Runs a failed account's remaining steps again, or a left-out account (its readiness is checked again). */
  async retryAccount(caseId: string, accountId: string, actor: Identity): Promise<void> {
    const { case: updated } = await this.deps.cases.updateAccounts(caseId, [accountId], (c, accounts) => {
      if (!c.accounts.includes(accountId)) throw new NotFoundError(`${accountId} is not an account of case ${c.id}`);
      const blockers = accounts[accountId]?.plan?.readiness?.blockers ?? [];
      const progress = accounts[accountId]?.progress ?? {
        accountId,
        steps: {},
        updatedAt: this.now(),
        ...(blockers.length ? { leftOut: { blockers, at: this.now() } } : {}),
      };
      const failed = Object.values(progress.steps).includes("failed");
      const leftOut = progress.leftOut && !Object.values(progress.steps).some((s) => s !== "pending");
      if (!failed && !leftOut)
        throw new NotReadyError(`account ${accountId} has no failed step to retry and was not left out of the run`);
      if (!["executing", "failed"].includes(c.status))
        throw new OffboardError(
          "invalid_transition",
          `account ${accountId} can be retried only once the run has started (the case is ${c.status})`,
        );
      const steps = Object.fromEntries(
        Object.entries(progress.steps).map(([k, v]) => [k, v === "failed" ? "pending" : v]),
      ) as AccountProgress["steps"];
      return {
        case: {
          ...c,
          status: c.status === "failed" ? assertTransition(c.status, "executing", c.id) : c.status,
          execution: { ...c.execution, finishedAt: undefined },
        },
        accounts: {
          [accountId]: {
            progress: { ...progress, steps, error: undefined, leftOut: undefined, updatedAt: this.now() },
          },
        },
      };
    });
    await this.deps.audit.append({ caseId, actor, party: "partner", action: "run.retry", payload: { accountId } });
    await this.deps.queue?.retryAccount(caseId, accountId);
    await this.renderProgress(updated);
    await this.presenter.refresh(updated);
  }

  async stepChanged(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    state: StepState,
    error?: string,
  ): Promise<void> {
    // Audited before it is recorded: a worker killed in between leaves the step unrecorded, so the job that takes
    // over runs it again (steps are idempotent) and audits it again. The other way round the case would show the
    // step done and its audit event would never be written.
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: `step.${state}`,
      payload: { accountId, step, error },
    });
    let started = false;
    let { case: updated } = await this.deps.cases.updateAccounts(caseId, [accountId], (c, accounts) => {
      started = false;
      let status = c.status;
      if (status === "approved" || status === "scheduled") {
        status = assertTransition(status, "executing", c.id);
        started = true;
      }
      const previous = accounts[accountId]?.progress ?? { accountId, steps: {}, updatedAt: this.now() };
      const progress: AccountProgress = {
        ...previous,
        steps: { ...previous.steps, [step]: state },
        error: state === "failed" ? error : previous.error,
        updatedAt: this.now(),
      };
      // The document changes only when the run starts here; a step of a running case writes its account alone.
      const document =
        status === c.status && c.execution?.startedAt
          ? c
          : { ...c, status, execution: { ...c.execution, startedAt: c.execution?.startedAt ?? this.now() } };
      return { case: document, accounts: { [accountId]: { progress } } };
    });
    if (started) {
      updated = await this.ensureProgressMessage(updated);
      await this.presenter.refresh(updated);
    }
    // A failure is shown once: in the progress message, with its reason and Retry button.
    this.scheduleProgress(updated.id);
  }

  /** An account's step got through another item: stored apart from the case, drawn with the next progress edit. */
  async stepCounted(caseId: string, accountId: string, count: StepCount): Promise<void> {
    try {
      await this.deps.stepCounts?.record(caseId, accountId, count);
      this.scheduleProgress(caseId);
    } catch (error) {
      // Only the picture of the run is lost; the step goes on.
      this.reportError(error, `record the count of ${accountId} in ${caseId}`);
    }
  }

  async stepProgress(
    caseId: string,
    accountId: string,
    step: HandoffStep,
    milestone: string,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    const at = this.now();
    // Audited first, as a step change is (stepChanged).
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: `step.${step}.${milestone}`,
      payload: { accountId, step, ...detail },
    });
    await this.changeProgress(caseId, accountId, (previous) => ({
      ...previous,
      milestones: { ...previous.milestones, [milestone]: at },
      updatedAt: at,
    }));
  }

  async actionNeeded(caseId: string, accountId: string, step: HandoffStep, instructions: string): Promise<void> {
    const value = await this.deps.cases.get(caseId);
    if (!value) return;
    await this.deps.audit.append({
      caseId,
      actor: "system",
      action: "step.action_needed",
      payload: { accountId, step },
    });
    await this.presenter.say(
      value,
      message(`Account ${accountId} needs you: ${instructions}`, [
        text(`👉 *${handoffStepLabel[step]}* for *${accountId}*: ${instructions}`),
      ]),
    );
  }

  /**
   * Every account that ran has finished. An account left out (blocked) or failed makes the case need attention; the
   * summary names each with its reason, and each finished account's exit check.
   */
  async runFinished(caseId: string): Promise<void> {
    const before = await this.deps.cases.get(caseId);
    if (!before) return;
    // Every account has finished: its progress no longer moves (a retry starts a new run, and ends it again).
    const progress = await this.deps.cases.accountProgress(caseId, before.accounts);
    const updated = await this.deps.cases.update(caseId, (c) => {
      // A scheduled run in which no account was ready never started: the case stays scheduled, the thread is told.
      if (c.status !== "executing") return c;
      const needsAttention = c.accounts.some((a) => {
        const p = progress[a];
        return !p || p.leftOut || Object.values(p.steps).includes("failed");
      });
      return {
        ...c,
        status: assertTransition(c.status, needsAttention ? "failed" : "completed", c.id),
        execution: { ...c.execution, finishedAt: this.now() },
      };
    });
    if (updated.status !== "completed" && updated.status !== "failed") {
      const blocked = await this.deps.cases.accountPlans(caseId, updated.plan?.blocked ?? []);
      if (blocked.length)
        await this.presenter.say(
          updated,
          leftOutMessage(
            caseId,
            blocked.map((a) => ({ accountId: a.accountId, blockers: a.readiness?.blockers ?? [] })),
            "The scheduled run found no account ready; it left out",
          ),
        );
      return;
    }
    await this.deps.audit.append({ caseId, actor: "system", action: `run.${updated.status}` });
    // The final state is rendered now: a throttled edit still pending would only redraw the same message later.
    clearTimeout(this.pendingProgress.get(caseId)?.timer);
    this.pendingProgress.delete(caseId);
    this.cardCounts.delete(caseId);
    await this.renderProgress(updated);
    // The plans of accounts that never ran say why: their blockers.
    const neverRan = await this.deps.cases.accountPlans(
      caseId,
      updated.accounts.filter((a) => !progress[a]),
    );
    const blockersOf = (a: string) => neverRan.find((p) => p.accountId === a)?.readiness?.blockers ?? [];
    // Honest: what succeeded, and what waits for whom. A failure's reason is in the progress message, once.
    const lines = updated.accounts.map((a) => {
      const p = progress[a];
      if (!p || p.leftOut)
        return `⏸ ${a} — left out, not ready: ${describeBlockers(p?.leftOut?.blockers ?? blockersOf(a))} (\`retry ${a}\` once fixed)`;
      const ok = handoffSteps.every((s) => p.steps[s] === "done" || p.steps[s] === "skipped");
      if (ok) return `✅ ${a}${exitCheckLine(p.exitCheck)}`;
      const stopped = handoffSteps.find((s) => p.steps[s] === "failed");
      const at = stopped ? ` at ${handoffStepLabel[stopped]}` : "";
      return `❌ ${a} — stopped${at}: what to fix, and by whom, is in the progress above; a partner member retries it once fixed${exitCheckLine(p.exitCheck)}`;
    });
    const left = updated.accounts.filter((a) => progress[a]?.steps.leave_org === "done");
    const total = updated.accounts.length;
    const summary =
      updated.status === "completed"
        ? `Handoff of ${updated.id} completed: ${total === 1 ? "the account" : `all ${total} accounts`} left the partner's organization.`
        : `Handoff of ${updated.id}: ${left.length} of ${total} account${total === 1 ? "" : "s"} out; the others need attention.`;
    const roleNote =
      left.length === 0
        ? "No account has left the partner's organization yet."
        : `The customer can now delete \`OrganizationAccountAccessRole\` in ${left.length === total ? "each account" : `the accounts that left (${left.join(", ")})`} (its trust policy trusts only the account itself).`;
    await this.presenter.say(
      updated,
      message(summary, [
        text(`*${summary}*\n${lines.join("\n")}`),
        text(`${roleNote} \`export\` gives the final report, the exit checks and the audit trail.`),
      ]),
    );
    await this.presenter.refresh(updated);
  }

  async remind(caseId: string, kind: ReminderKind): Promise<void> {
    const value = await this.deps.cases.get(caseId);
    if (!value || ["completed", "cancelled", "executing", "failed"].includes(value.status)) return;
    const answer = value.ticket.answers.targetDate;
    const date = typeof answer === "string" ? dayText(answer) : "the target date";
    const notes: Record<ReminderKind, string | undefined> = {
      missing_signoffs:
        value.status === "awaiting_signoff"
          ? `Reminder: ${value.id} (target ${date}) still needs sign-off from ${missingParties(value)
              .map((p) => partyLabel[p])
              .join(", ")}.`
          : undefined,
      invitations:
        value.ticket.answers.destination === "organization"
          ? `Reminder: the new organization should send its invitations now, so they are waiting when the accounts leave on ${date} (invitations expire after 15 days).`
          : undefined,
      accounts_payable: `Reminder: tell accounts payable that from ${date} these accounts are billed by AWS directly; expect prorated invoices from AWS and the partner for this month.`,
    };
    const note = notes[kind];
    if (!note) return;
    await this.deps.audit.append({ caseId, actor: "system", action: `reminder.${kind}` });
    await this.presenter.say(value, message(note));
  }

  /**
   * Draws the progress message again once its turn comes (`progressEditIntervalMs` after the last edit), or after
   * `atLeastMs`; an edit already waiting that is due sooner covers this one. While the run goes on, each edit
   * schedules the next one a heartbeat later.
   */
  private scheduleProgress(caseId: string, atLeastMs = 0): void {
    if (this.closed) return;
    const now = Date.now();
    const due = Math.max(now + atLeastMs, (this.lastProgressAt.get(caseId) ?? 0) + progressEditIntervalMs);
    const pending = this.pendingProgress.get(caseId);
    if (pending && pending.due <= due) return;
    clearTimeout(pending?.timer);
    const timer = setTimeout(() => {
      this.pendingProgress.delete(caseId);
      if (this.drawingProgress.has(caseId)) return this.scheduleProgress(caseId, progressEditIntervalMs);
      // Counted from now: a step reported while this edit reads the case and its accounts waits its turn.
      this.lastProgressAt.set(caseId, Date.now());
      this.drawingProgress.add(caseId);
      void this.deps.cases
        .get(caseId)
        .then(async (fresh) => {
          // A run that finished meanwhile was drawn by runFinished: a late throttled edit would draw it again.
          if (!fresh || fresh.status !== "executing") return;
          // The workspace's edits of this window are spent (other cases, other processes): try again shortly.
          if (!(await this.mayEditProgress(fresh))) return this.scheduleProgress(caseId, progressBudgetRetryMs);
          await this.renderProgress(fresh);
          // The elapsed time moves while a step runs with nothing to count.
          if (fresh.status === "executing") this.scheduleProgress(caseId, progressHeartbeatMs);
        })
        .catch((e) => this.reportError(e, "render progress"))
        .finally(() => this.drawingProgress.delete(caseId));
    }, due - now);
    timer.unref();
    this.pendingProgress.set(caseId, { timer, due });
  }

  /**
   * Rewrites the progress message now, with each account's live step count, and the case card when the run's
   * counts on it changed ("2/4 accounts out · 1 needs attention").
   */
  async renderProgress(value: Case): Promise<void> {
    this.lastProgressAt.set(value.id, Date.now());
    if (!homesOf(value).some((home) => home.refs.progressMessage)) return;
    // The accounts' progress as read for the message: undefined when it could not be read (the card waits then).
    let progress: Record<string, AccountProgress> | undefined;
    try {
      const [accounts, counts] = await Promise.all([
        this.runAccounts(value),
        this.deps.stepCounts?.read(value.id) ?? Promise.resolve({}),
      ]);
      progress = progressOf(accounts);
      // The interval is kept between the edits themselves, however long the reads before them took.
      this.lastProgressAt.set(value.id, Date.now());
      const body = progressMessage(value, accounts, this.deps.clock.now(), counts);
      await this.presenter.update(value, "progressMessage", body);
    } catch (error) {
      this.reportError(error, `update the progress of ${value.id}`);
    }
    if (!progress) return;
    const onCard = runCounts(value, progress);
    if (value.status === "executing" && this.cardCounts.get(value.id) !== onCard) {
      this.cardCounts.set(value.id, onCard);
      await this.presenter.refresh(value);
    }
  }

  /** Takes an edit from each workspace budget the case's homes draw on; true when there is no budget. */
  private async mayEditProgress(value: Case): Promise<boolean> {
    const budget = this.deps.editBudget;
    if (!budget) return true;
    const pacing = this.deps.progressEditBudget ?? defaultProgressEditBudget;
    for (const { scope, limit } of progressEditScopes(value, pacing))
      if (!(await budget.take(scope, limit, pacing.windowMs))) return false;
    return true;
  }

  /** Waits for throttled progress edits (tests, shutdown). */
  async flush(): Promise<void> {
    const ids = [...this.pendingProgress.keys()];
    for (const id of ids) {
      clearTimeout(this.pendingProgress.get(id)?.timer);
      this.pendingProgress.delete(id);
      const fresh = await this.deps.cases.get(id);
      if (fresh) await this.renderProgress(fresh);
    }
  }

  /** Shutdown: the waiting progress edits are drawn, and no further one (no heartbeat) is scheduled. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}

/** The exit check in one line of the run's summary. */
function exitCheckLine(check: ExitCheck | undefined): string {
  if (!check || check.stage !== "final") return "";
  const unverified = check.items.filter((i) => i.ok === "unverified");
  const failed = check.items.filter((i) => i.ok === false);
  if (failed.length) return ` · exit check failed: ${failed.map((i) => i.detail).join("; ")}`;
  return ` · exit check passed${unverified.length ? ` (⚠ ${unverified.map((i) => i.detail).join("; ")})` : ""}`;
}

/** The accounts a run leaves out, each with what blocks it and its fix. */
function leftOutMessage(
  caseId: string,
  leftOut: { accountId: string; blockers: ReadinessBlocker[] }[],
  intro: string,
): ReturnType<typeof message> {
  const lines = leftOut.map(({ accountId, blockers }) => `⛔ *${accountId}*: ${describeBlockers(blockers)}`);
  return message(`${intro} ${leftOut.map((l) => l.accountId).join(", ")} of ${caseId}: not ready`, [
    text(`*${intro} ${leftOut.length} account(s) of ${caseId}: not ready.*\n${lines.join("\n")}`),
    context(
      "A left-out account runs later with `retry <account>` once fixed (its readiness is checked again), or after `plan refresh`.",
    ),
  ]);
}
