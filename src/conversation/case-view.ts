import type { AccountProgress, AccountState, AnswerValue, Case, TicketState } from "../case";
import type { CaseStatus } from "../case-status";
import { dateText, dayText } from "../date-text";
import type { Identity } from "../identity";
import {
  actions,
  context,
  datePicker,
  divider,
  fields,
  header,
  literal,
  message,
  text,
  type Block,
  type Button,
  type Message,
} from "../message";
import { partyLabel, parties, type Party } from "../party";
import {
  countArtifacts,
  describeBlockers,
  handoffStepLabel,
  handoffSteps,
  planCountsOf,
  planFingerprint,
  readinessSplit,
  type AccountPlan,
  type ArtifactKind,
  type HandoffStep,
  type Plan,
  type PlanCounts,
  type PlannedArtifact,
} from "../plan";
import { approvalHash, shortHash, signOffFor } from "../signoff";
import { countedStepName, plannedItems, type StepCount } from "../step-count";
import type { TicketField } from "../ticket/fields";
import { questionPosition } from "../ticket/flow";
import { buttonOf } from "./buttons";
import { commandHelp } from "./commands";
import { needsAttention, planDetailsBlock } from "./plan-details-view";

/** How the case message and the other case messages look, as the core's message model. */

export const statusLabel: Record<CaseStatus, string> = {
  collecting: "Collecting the ticket",
  planning: "Reading AWS to build the plan",
  awaiting_signoff: "Waiting for sign-offs",
  approved: "Approved",
  scheduled: "Scheduled",
  executing: "Running the handoff",
  completed: "Completed",
  failed: "Needs attention",
  cancelled: "Cancelled",
};

import { mentionOf as mention } from "../mention";

function people(list: Identity[]): string {
  return list.length ? list.map(mention).join(", ") : "—";
}

/** The ticket's target date in words ("Thu 31 Dec 2026"), or a dash. */
function targetDateOf(value: Case): string {
  const answer = value.ticket.answers.targetDate;
  return typeof answer === "string" ? dayText(answer) : "—";
}

function nextStep(value: Case): string {
  switch (value.status) {
    case "collecting":
      return "Answer the ticket questions in the thread of this message (or use the form).";
    case "planning":
      return "Offboard is reading AWS; the plan follows in the thread.";
    case "awaiting_signoff": {
      const missing = parties.filter((p) => !signOffFor(value, p)).map((p) => partyLabel[p]);
      const awsNote =
        value.members.aws.length === 0 ? " A partner approver names the AWS approver with `assign aws @user`." : "";
      return `Sign-off needed from: ${missing.join(", ")}.${awsNote}`;
    }
    case "approved":
      return "All three parties approved. A partner approver can run the handoff now.";
    case "scheduled":
      return `The handoff runs on ${value.execution?.scheduledFor ? dateText(value.execution.scheduledFor) : "the target date"}; a partner approver can run it now.`;
    case "executing":
      return "The handoff is running: progress in the thread.";
    case "completed":
      return "Done. `export` gives the case and its audit trail.";
    case "failed":
      return "Some accounts need attention: see the thread; a partner approver can retry them.";
    case "cancelled":
      return "This case was cancelled.";
  }
}

/** How the partner appears on the case card: its configured name and approvers. */
export interface PartnerView {
  name: string;
  approvers: Identity[];
}

/**
 * The case message: id, status, parties, next step, buttons for the next actions. Updated in place. Once the run
 * has started it counts the accounts by where they stand, from their `progress`.
 */
export function caseMessage(
  value: Case,
  partner: PartnerView,
  progress: Record<string, AccountProgress> = {},
): Message {
  const blocks: Block[] = [
    header(
      `Offboarding ${value.customerName !== undefined ? literal(value.customerName) : "a customer"} — ${value.id}`,
    ),
    fields([
      ["Status", statusLabel[value.status]],
      ["Accounts", value.accounts.length ? value.accounts.join(", ") : "—"],
      ["Target date", targetDateOf(value)],
      ["Customer approvers", people(value.members.customer)],
      ["AWS approver", people(value.members.aws)],
      ["Partner", `${partner.name}: ${people(partner.approvers)}`],
      ...(value.execution?.startedAt ? [["Progress", runCounts(value, progress)] as [string, string]] : []),
    ]),
    text(`Next: ${nextStep(value)}`),
  ];
  const buttons = [];
  if (value.status === "collecting")
    buttons.push(buttonOf({ id: "ticket.form", caseId: value.id }, "Fill in a form instead"));
  if (value.status === "approved" || value.status === "scheduled") {
    buttons.push(
      buttonOf({ id: "run.start", caseId: value.id }, "Run now", {
        style: "primary",
        confirm: {
          title: "Run the handoff now?",
          text: `This starts the AWS work for ${value.id} now instead of on the target date.`,
          confirm: "Run now",
          deny: "Not yet",
        },
      }),
    );
  }
  if (["collecting", "planning", "awaiting_signoff", "approved", "scheduled"].includes(value.status)) {
    buttons.push(
      buttonOf({ id: "case.cancel", caseId: value.id }, "Cancel case", {
        style: "danger",
        confirm: {
          title: `Cancel ${value.id}?`,
          text: "The case stops here. Nothing has been changed in AWS.",
          confirm: "Cancel the case",
          deny: "Keep it",
        },
      }),
    );
  }
  if (buttons.length) blocks.push(actions(buttons));
  blocks.push(context(`Updated ${dateText(value.updatedAt)} · version ${value.version}`));
  return message(`${value.id}: ${statusLabel[value.status]}`, blocks);
}

/** The case a question belongs to and its ticket so far: for "Question 5 of 16" and the answer buttons. */
export interface QuestionPlace {
  caseId: string;
  ticket: TicketState;
}

/** The buttons that answer a question: one per option of a choice, or Yes and No. */
function answerButtons(field: TicketField, caseId: string): Button[] {
  const choice = (value: string, label: string) =>
    buttonOf({ id: "ticket.choice", caseId, field: field.key, choice: value }, label);
  if (field.options) return field.options.map((o) => choice(o.value, o.label));
  if (field.yesNo) return [choice("yes", "Yes"), choice("no", "No")];
  return [];
}

/** The questions whose answer is a calendar day: asked with a date picker (typing the day still works). */
const dayFields: ReadonlySet<string> = new Set(["targetDate"]);

/** A date picker that answers `field` as if the picked day had been typed. */
function dayPicker(field: TicketField, place: QuestionPlace): Block {
  const pick = buttonOf({ id: "ticket.date", caseId: place.caseId, field: field.key }, "Use this date");
  const answered = place.ticket.answers[field.key];
  return datePicker({
    actionId: pick.actionId,
    value: pick.value,
    label: pick.label,
    ...(typeof answered === "string" && /^\d{4}-\d{2}-\d{2}/.test(answered)
      ? { initialDate: answered.slice(0, 10) }
      : {}),
  });
}

/**
 * One ticket question: where it stands ("Question 5 of 16"), the question, its options as buttons (typed words still
 * answer: a number, a name, yes or no), and how to move around.
 */
export function questionMessage(field: TicketField, note?: string, place?: QuestionPlace): Message {
  const blocks: Block[] = [];
  if (note) blocks.push(text(note));
  const position = place ? questionPosition(place.ticket, field) : undefined;
  const counter = position ? `Question ${position.number} of ${position.of} · ` : "";
  blocks.push(
    text(`${counter}*${field.label}*${field.optional ? " (optional: `skip` to leave it out)" : ""}\n${field.question}`),
  );
  if (field.options) blocks.push(text(field.options.map((o, i) => `${i + 1}. ${o.label}`).join("\n")));
  const buttons = place ? answerButtons(field, place.caseId) : [];
  if (buttons.length) blocks.push(actions(buttons));
  if (place && dayFields.has(field.key)) blocks.push(dayPicker(field, place));
  if (field.hint) blocks.push(context(field.hint));
  blocks.push(
    context(
      "Reply in this thread. `back` returns to the previous question, `edit <field>` changes an answer, `cancel` stops the case.",
    ),
  );
  const summary = `${note ? note + " " : ""}${counter}${field.label}: ${field.question}`;
  return message(summary, blocks);
}

/**
 * An answer as it was understood, to say back before the next question ("Target date: Thu 31 Dec 2026"): the
 * field's own display, a calendar day in words.
 */
export function answerEcho(field: TicketField, value: AnswerValue): string {
  const shown = field.key === "targetDate" && typeof value === "string" ? dayText(value) : field.format(value);
  return `✔ ${field.label}: ${shown}`;
}

export function ticketSummaryMessage(value: Case, template: string): Message {
  const warnings = Object.values(value.ticket.warnings);
  const blocks: Block[] = [header(`Ticket for ${value.id}`), text("```\n" + template + "\n```")];
  if (warnings.length) blocks.push(context(`Warnings: ${warnings.join(" · ")}`));
  return message(`Ticket for ${value.id} complete`, blocks);
}

/**
 * The plan as people read it before signing. Blockers stand first, unmissable: which accounts the run leaves out,
 * why, and how to fix it. The readiness shown is part of the plan the sign-offs bind to; a plan read back that is
 * not the one whose fingerprint the case holds says so first.
 */
export function planSummaryMessage(value: Case, plan: Plan): Message {
  const { ready, blocked } = readinessSplit(plan);
  const headline = planCounts(planCountsOf(plan));
  const blocks: Block[] = [header(`Plan v${plan.version} for ${value.id}`), text(`*${headline}*`)];
  if (value.plan && planFingerprint(plan) !== value.plan.fingerprint)
    blocks.push(
      text(
        "⚠ *The accounts' plans read back do not match the fingerprint of the plan stored:* do not approve; a partner member runs `plan refresh`.",
      ),
    );
  if (blocked.length) {
    const named = firstWithin(blocked, blockedEntry, blockedNamed, blockedChars);
    const more = blocked.length - named.length;
    blocks.push(
      text(
        `⛔ *${blocked.length} of ${plan.accounts.length} account(s) blocked: the run leaves them out until fixed*\n` +
          named.map(blockedEntry).join("\n") +
          (more
            ? `\n…and ${more} more blocked account(s), each with its reason and fix: see *Details* or \`export\`.`
            : ""),
      ),
    );
  }
  const kept = countArtifacts(plan, "keep");
  const untagged = countArtifacts(plan, "untag");
  const locked = countArtifacts(plan, "lock");
  const untrusted = countArtifacts(plan, "untrust");
  blocks.push(
    fields([
      ["Organization", `${plan.organizationId} (management ${plan.managementAccountId})`],
      ["Accounts", String(plan.accounts.length)],
      ["Ready / blocked", `${ready.length} / ${blocked.length}`],
      ["Artifacts to delete", String(countArtifacts(plan, "delete"))],
      // Partner artifacts left in place (protected by AWS, or kept by the ticket) and the lifecycle tooling kept
      // without the partner's tags. When there are none, "0 / 0" only repeats that everything found is removed.
      ...(kept || untagged ? [["Kept / untagged", `${kept} / ${untagged}`] as [string, string]] : []),
      // What closes the partner's way in without deleting: its cross-account roles locked to the account itself, and
      // roles the customer keeps losing the partner's trust. The signers see it, as they see what is deleted.
      ...(locked || untrusted
        ? [
            ["Partner access closed", `${locked} role(s) locked · ${untrusted} kept role(s) lose its trust`] as [
              string,
              string,
            ],
          ]
        : []),
      ["Removal by", plan.removalBy],
    ]),
  );
  // One row per account, all in one text block (the renderer splits it into sections). Up to `rowsShown` accounts
  // every account is a row; past that only those that need attention. Either way the rows stop at `rowsChars` of
  // text and `attentionNamed` rows past `rowsShown`, and what is left is counted: so the message stays within Slack's
  // 50 blocks and a Teams card's size however many accounts there are and however much they say (Details and
  // `export` name every one).
  const small = plan.accounts.length <= rowsShown;
  const candidates = small ? plan.accounts : plan.accounts.filter(needsAttention);
  const shown = new Set(firstWithin(candidates, accountRow, small ? rowsShown : attentionNamed, rowsChars));
  const unnamedAttention = plan.accounts.filter((a) => needsAttention(a) && !shown.has(a)).length;
  const rest = plan.accounts.filter((a) => !needsAttention(a) && !shown.has(a));
  const rows = [...shown].map(accountRow);
  if (unnamedAttention)
    rows.push(`…and ${unnamedAttention} more account(s) that need attention: see *Details* or \`export\`.`);
  if (rest.length)
    rows.push(
      `…and ${rest.length} more account(s), ready, without warnings: ${artifactCounts(rest.flatMap((a) => a.artifacts))}. Each is listed in \`export\`.`,
    );
  blocks.push(text(rows.join("\n")));
  if (plan.warnings.length) blocks.push(context(`⚠ ${plan.warnings.join(" · ")}`));
  if (plan.notes?.length)
    blocks.push(text(`*Before leaving, the customer should know:*\n${plan.notes.map((n) => `• ${n}`).join("\n")}`));
  blocks.push(planDetailsBlock(value, plan));
  blocks.push(context("*Details* shows each account's artifacts by name; `export` has everything."));
  const blockedIds = blocked.slice(0, blockedNamed).map((a) => a.accountId);
  if (blocked.length > blockedIds.length) blockedIds.push(`${blocked.length - blockedIds.length} more`);
  const summary = blocked.length
    ? `Plan v${plan.version} for ${value.id}: ${blocked.length} of ${plan.accounts.length} account(s) BLOCKED (${blockedIds.join(", ")})`
    : `Plan v${plan.version} for ${value.id}: ${headline}`;
  return message(summary, blocks);
}

/** How many accounts the plan lists row by row before it names only those that need attention. */
const rowsShown = 40;
/** Past `rowsShown` accounts, how many of those that need attention are rows; the rest are counted. */
const attentionNamed = 20;
/** How many blocked accounts are named with their blockers; the rest are counted. */
const blockedNamed = 10;
/**
 * The most text the account rows and the blocked accounts take (characters of markup, before a platform renders
 * it). With the Details a Teams card carries (adapters/teams, `detailsBudget`), the whole plan card stays under
 * the ~28 KB a Teams message holds (see the plan-summary size test).
 */
const rowsChars = 4_000;
const blockedChars = 2_000;

/** The first items, at most `count`, whose rendered texts (one per line) fit in `chars`; always the first one. */
function firstWithin<T>(items: T[], render: (item: T) => string, count: number, chars: number): T[] {
  const taken: T[] = [];
  let used = 0;
  for (const item of items) {
    if (taken.length >= count) break;
    const size = render(item).length + 1;
    if (taken.length > 0 && used + size > chars) break;
    taken.push(item);
    used += size;
  }
  return taken;
}

/** A blocked account and its blockers, each with its fix. */
function blockedEntry(account: AccountPlan): string {
  return (
    `*${account.accountId}*${account.accountName ? ` (${literal(account.accountName)})` : ""}:\n` +
    (account.readiness?.blockers ?? []).map((b) => `  • ${b.reason}. *Fix:* ${b.fix}`).join("\n")
  );
}

/** "4 accounts · 40 partner artifacts · 2 blocked": the plan in one line (from its header, or `planCountsOf`). */
export function planCounts(plan: PlanCounts): string {
  const accounts = plan.accountCount;
  const blocked = plan.blocked.length;
  return [
    `${accounts} account${accounts === 1 ? "" : "s"}`,
    `${plan.artifactsToDelete} partner artifacts to remove`,
    ...(blocked ? [`${blocked} blocked`] : []),
  ].join(" · ");
}

const kindNames: Record<ArtifactKind, [string, string]> = {
  iam_role: ["role", "roles"],
  iam_policy: ["policy", "policies"],
  iam_user: ["user", "users"],
  iam_group: ["group", "groups"],
  saml_provider: ["SAML provider", "SAML providers"],
  oidc_provider: ["OIDC provider", "OIDC providers"],
  cross_account_role: ["cross-account role", "cross-account roles"],
};

/** "3 roles, 5 policies to remove · 1 kept": artifacts counted by kind, the ones removed first. */
function artifactCounts(artifacts: PlannedArtifact[]): string {
  const removed = artifacts.filter((a) => a.action === "delete");
  const byKind = new Map<ArtifactKind, number>();
  for (const a of removed) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kindNames[kind][n === 1 ? 0 : 1]}`);
  const others = artifacts.length - removed.length;
  const parts = [kinds.length ? `${kinds.join(", ")} to remove` : "no partner artifacts to remove"];
  if (others) parts.push(`${others} kept or changed`);
  return parts.join(" · ");
}

/** One account of the plan in a row: readiness, artifacts by kind, buckets, how root access moves; its warnings. */
function accountRow(account: AccountPlan): string {
  const state = account.readiness ? (account.readiness.state === "ready" ? "✅ ready" : "⛔ blocked") : "";
  const buckets = account.buckets.length
    ? `${account.buckets.length} bucket${account.buckets.length === 1 ? "" : "s"} → ${[...new Set(account.buckets.map((b) => b.disposition))].join(", ")}`
    : "";
  const root =
    account.rootHandover === "passwordless" ? "root by passwordless handover" : "root by one-time credential link";
  const row = [
    `*${account.accountId}*${account.accountName ? ` (${literal(account.accountName)})` : ""}`,
    state,
    artifactCounts(account.artifacts),
    buckets,
    root,
  ]
    .filter(Boolean)
    .join(" · ");
  // Why root access moves as it does is in `export`; a fallback's reason is among the warnings.
  const notes = account.warnings.map((w) => `    ⚠ ${w}`);
  if (account.rootEmail && account.rootHandover !== "passwordless")
    notes.push(`    ℹ Root e-mail: ${account.rootEmail.note}`);
  return [row, ...notes].join("\n");
}

/**
 * The people who may approve for each party: the customer approvers and the AWS approvers of the case, and the
 * partner's configured approvers (any partner member may approve; these are the ones to ask).
 */
export type Approvers = Record<Party, Identity[]>;

export function approversOf(value: Case, partnerApprovers: Identity[]): Approvers {
  return { customer: value.members.customer, aws: value.members.aws, partner: partnerApprovers };
}

/** "@Carol or @Dev", or how the party gets someone to approve. */
export function awaitedText(party: Party, approvers: Approvers): string {
  const list = approvers[party];
  if (list.length) return list.map(mention).join(" or ");
  if (party === "aws") return "an AWS approver, not named yet (a partner member: `assign aws @user`)";
  if (party === "partner") return "a partner member";
  return "a customer approver";
}

/** One line a person reads before approving: what the plan covers, and what it leaves out. */
export function planHeadline(value: Case): string {
  const plan = value.plan;
  if (!plan) return `the ticket of ${value.customerName !== undefined ? literal(value.customerName) : value.id}`;
  return `plan v${plan.version} · ${planCounts(plan)}`;
}

/**
 * An approval button. It has no confirm dialog of its own: the press reaches the core first, which checks it and only
 * then shows what is approved (approval-view.ts), so a person who may not approve learns it at once, and why.
 */
function approveButton(value: Case, party: Party, hash: string) {
  return buttonOf(
    { id: "signoff.approve", caseId: value.id, party, fingerprint: shortHash(hash) },
    `Approve for ${partyLabel[party]}`,
    { style: "primary" },
  );
}

/**
 * The request to one approver, by direct message where they are: what they approve (the plan in one line) and the
 * button of their party. The full plan and ticket stay in the case thread.
 */
export function signOffRequestMessage(value: Case, party: Party): Message {
  const hash = approvalHash(value);
  const version = value.plan ? `plan v${value.plan.version}` : "the ticket";
  const who = value.customerName !== undefined ? literal(value.customerName) : "a customer";
  const summary = `Your sign-off for ${partyLabel[party]} is needed: offboarding ${who} (${value.id})`;
  return message(summary, [
    header(`Sign-off needed: ${who} — ${value.id}`),
    text(
      `You are asked to approve for *${partyLabel[party]}*: ${planHeadline(value)}.\n` +
        `Approving binds to ${version} with fingerprint \`${shortHash(hash)}\`; the plan and the ticket are in the case thread.`,
    ),
    actions([approveButton(value, party, hash)]),
    context("Any later edit voids the sign-offs and asks again."),
  ]);
}

/** The sign-off message: who is awaited per party, one button per open party with a confirm dialog. */
export function signOffMessage(value: Case, partnerApprovers: Identity[] = []): Message {
  const hash = approvalHash(value);
  const version = value.plan ? `plan v${value.plan.version}` : "the ticket";
  const blocks: Block[] = [
    header(`Sign-off for ${value.id} (${version})`),
    text(
      `Approving binds to ${version} with fingerprint \`${shortHash(hash)}\`. Any later edit voids the sign-offs and asks again.`,
    ),
  ];
  const signed = parties.map((p) => {
    const s = signOffFor(value, p);
    const waiting = `waiting on ${awaitedText(p, approversOf(value, partnerApprovers))}`;
    return [partyLabel[p], s ? `✅ ${mention(s.by)} at ${dateText(s.at)}` : waiting] as [string, string];
  });
  blocks.push(fields(signed));
  const open = parties.filter((p) => !signOffFor(value, p));
  if (open.length && value.status === "awaiting_signoff") {
    blocks.push(actions(open.map((p) => approveButton(value, p, hash))));
  } else if (!open.length) {
    blocks.push(context("All three parties approved."));
  }
  return message(`Sign-off for ${value.id}: ${parties.length - open.length}/3`, blocks);
}

const stepIcon = { pending: "⏳", running: "🔄", done: "✅", failed: "❌", skipped: "➖" } as const;

/** Where one account of a run stands, for the progress message, the case card and the closing summary. */
export type AccountStanding = "done" | "failed" | "running" | "waiting" | "left_out";

export function accountStanding(progress: AccountProgress | undefined): AccountStanding {
  if (!progress) return "waiting";
  if (progress.leftOut) return "left_out";
  const states = handoffSteps.map((step) => progress.steps[step] ?? "pending");
  if (states.includes("failed")) return "failed";
  if (states.every((s) => s === "done" || s === "skipped")) return "done";
  return states.some((s) => s !== "pending") ? "running" : "waiting";
}

/** The account has left the partner's organization (its leave step is done), whatever follows. */
function isOut(progress: AccountProgress | undefined): boolean {
  return progress?.steps.leave_org === "done";
}

/**
 * "2/4 accounts out · 1 needs attention · 1 running": the run in one line, for the progress and the case card, from
 * the accounts' progress (by account id).
 */
export function runCounts(value: Case, progress: Record<string, AccountProgress>): string {
  const total = value.accounts.length;
  const standings = value.accounts.map((a) => accountStanding(progress[a]));
  const count = (s: AccountStanding) => standings.filter((x) => x === s).length;
  const out = value.accounts.filter((a) => isOut(progress[a])).length;
  const parts = [`${out}/${total} account${total === 1 ? "" : "s"} out`];
  const attention = count("failed") + count("left_out");
  if (attention) parts.push(`${attention} need${attention === 1 ? "s" : ""} attention`);
  if (count("running")) parts.push(`${count("running")} running`);
  if (count("done")) parts.push(`${count("done")} done`);
  return parts.join(" · ");
}

/** "4 min 10 s": a run's duration in words. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * An error as people read it: AWS's long codes (MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED) as code, with a
 * zero-width break opportunity after each underscore so they wrap at a word and not mid-word; the rest as text.
 */
export function readableError(error: string): string {
  const code = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}\b/g;
  let out = "";
  let last = 0;
  for (const match of error.matchAll(code)) {
    out += literal(error.slice(last, match.index));
    out += `\`${match[0].replace(/_/g, "_\u200b")}\``;
    last = (match.index ?? 0) + match[0].length;
  }
  return out + literal(error.slice(last));
}

function retryButton(value: Case, accountId: string): Button {
  return buttonOf({ id: "account.retry", caseId: value.id, accountId }, `Retry ${accountId}`, {
    confirm: {
      title: `Retry ${accountId}?`,
      text: "Runs this account's remaining steps again. Finished steps are not repeated.",
      confirm: "Retry",
      deny: "Cancel",
    },
  });
}

/** One account's line: where it stands, the step it is at (n of m) with its item count, and its failure once. */
function accountLine(accountId: string, account: AccountState, count: StepCount | undefined): string {
  const progress = account.progress;
  const name = account.plan?.accountName;
  const who = `*${accountId}*${name ? ` (${literal(name)})` : ""}`;
  const standing = accountStanding(progress);
  const at = currentStepIndex(progress);
  const step = at >= 0 ? handoffSteps[at] : undefined;
  const where = step ? `step ${at + 1} of ${handoffSteps.length}: ${handoffStepLabel[step]}` : "";
  switch (standing) {
    case "done":
      return `✅ ${who} — done, out of the partner's organization`;
    case "failed":
      return `❌ ${who} — stopped at ${where}\n      ${readableError(progress?.error ?? "no reason given")}`;
    case "left_out":
      return `⏸ ${who} — left out of this run, not ready: ${describeBlockers(progress?.leftOut?.blockers ?? [])}`;
    case "running": {
      const items = step ? itemCount(account.plan, step, count) : "";
      return `${stepIcon.running} ${who} — ${where}${items}${isOut(progress) ? " · out" : ""}`;
    }
    case "waiting":
      return `${stepIcon.pending} ${who} — waiting to start`;
  }
}

/** The index in `handoffSteps` of the first step of the account that is neither done nor skipped; -1 when none. */
function currentStepIndex(progress: AccountProgress | undefined): number {
  return handoffSteps.findIndex((step) => {
    const state = progress?.steps[step] ?? "pending";
    return state !== "done" && state !== "skipped";
  });
}

/**
 * " · IAM 7/11": how far the step has got through its items, as the run reported it, or 0 of the plan's items
 * before its first report; nothing for a step without items.
 */
function itemCount(accountPlan: AccountPlan | undefined, step: HandoffStep, count: StepCount | undefined): string {
  const name = countedStepName[step];
  if (!name) return "";
  const reported = count?.step === step ? count : undefined;
  const total = reported?.total ?? plannedItems(accountPlan, step);
  return total ? ` · ${name} ${Math.min(reported?.done ?? 0, total)}/${total}` : "";
}

/**
 * The run as a bar of ten cells and a percentage: each account's steps done or skipped, its running step by its item
 * count, over every account's steps. An account that stopped or was left out stays where it is.
 */
export function progressBar(
  value: Case,
  progress: Record<string, AccountProgress>,
  counts: Record<string, StepCount> = {},
): string {
  const cells = 10;
  const total = value.accounts.length * handoffSteps.length;
  if (total === 0) return "";
  let done = 0;
  for (const accountId of value.accounts) {
    const account = progress[accountId];
    done += handoffSteps.filter((s) => account?.steps[s] === "done" || account?.steps[s] === "skipped").length;
    const at = currentStepIndex(account);
    const count = counts[accountId];
    if (at >= 0 && count?.step === handoffSteps[at] && count.total > 0 && account?.steps[count.step] === "running")
      done += Math.min(count.done, count.total) / count.total;
  }
  const share = done / total;
  const filled = Math.floor(share * cells);
  return `${"▰".repeat(filled)}${"▱".repeat(cells - filled)} ${Math.floor(share * 100)}%`;
}

/**
 * The run, one message updated in place: the overall line with a bar and the elapsed time, one line per account with
 * the step it is at and its live item count (`counts`, from the run), and each failure once with its reason and a
 * Retry button. One text block for all accounts, so 200 accounts stay within Slack's 50 blocks (the renderer splits
 * long text into sections). `accounts`: every account's plan and progress, by id.
 */
export function progressMessage(
  value: Case,
  accounts: Record<string, AccountState>,
  now: Date = new Date(),
  counts: Record<string, StepCount> = {},
): Message {
  const started = value.execution?.startedAt;
  const finished = value.execution?.finishedAt;
  const elapsed = started ? ` · ${durationText(Date.parse(finished ?? now.toISOString()) - Date.parse(started))}` : "";
  const progress = progressOf(accounts);
  const overall = runCounts(value, progress);
  const blocks: Block[] = [
    header(`Handoff progress — ${value.id}`),
    text(`*${overall}*\n${progressBar(value, progress, counts)}${elapsed}`),
    text(value.accounts.map((a) => accountLine(a, accounts[a] ?? {}, counts[a])).join("\n")),
  ];
  const failed = value.accounts.filter((a) => accountStanding(progress[a]) === "failed");
  if (failed.length && (value.status === "executing" || value.status === "failed"))
    blocks.push(actions(failed.map((a) => retryButton(value, a))));
  blocks.push(divider(), context(statusLabel[value.status]));
  return message(`Handoff progress for ${value.id}: ${overall}`, blocks);
}

/** The progress of the accounts that have any, by account id. */
export function progressOf(accounts: Record<string, AccountState>): Record<string, AccountProgress> {
  const progress: Record<string, AccountProgress> = {};
  for (const [accountId, state] of Object.entries(accounts)) if (state.progress) progress[accountId] = state.progress;
  return progress;
}

export function helpMessage(): Message {
  return message("Offboard commands", [
    header("Offboard commands"),
    text(commandHelp.map(([c, d]) => `\`${c}\` — ${d}`).join("\n")),
    context("Use `/offboard <command>` or mention `@Offboard <command>` (external Slack Connect users: mention)."),
  ]);
}

export function noticeMessage(note: string): Message {
  return message(note);
}
