import type { AnswerValue, TicketState } from "../case";
import type { Platform } from "../identity";
import { fieldByKey, ticketFields, type TicketField } from "./fields";
import { literal } from "../message";

/**
 * The question flow: one ticket field at a time, with `back`, `skip`, `edit <field>` and `cancel`.
 * Every function here is pure and takes and returns `TicketState` as plain JSON (it is stored in the
 * case in Redis), so a half-filled ticket resumes after a restart exactly where it stopped.
 *
 * @example
 *   let state = startTicket();
 *   const outcome = applyInput(state, interpretReply("Acme Corp"), { today: new Date(), platform: "slack" });
 *   if (outcome.kind === "accepted") state = outcome.state; // outcome.next is the question to ask now
 */

/** What a reply in the ticket thread means. */
export type FlowInput =
  | { kind: "answer"; text: string }
  | { kind: "back" }
  | { kind: "skip" }
  | { kind: "edit"; field: string }
  | { kind: "cancel" };

export interface FlowContext {
  today: Date;
  platform: Platform;
}

export type FlowOutcome =
  /** The answer was recorded; `next` is the question to ask now, undefined when the ticket is complete. */
  | { kind: "accepted"; state: TicketState; field: TicketField; warning?: string; next?: TicketField }
  /** The answer was refused: the state is unchanged and the same question is asked again with `reason`. */
  | { kind: "refused"; state: TicketState; field: TicketField; reason: string }
  | { kind: "skipped"; state: TicketState; field: TicketField; next?: TicketField }
  /** `back` or `edit`: `next` is asked now; its current answer stays until it is answered again. */
  | { kind: "moved"; state: TicketState; next: TicketField }
  | { kind: "cancelled"; state: TicketState }
  /** The input makes no sense here (skip on a required field, unknown field, …); the state is unchanged. */
  | { kind: "invalid"; state: TicketState; reason: string };

/** `back`, `skip`, `cancel`, `edit <field>` (any case, surrounding spaces ignored); anything else is an answer. */
export function interpretReply(text: string): FlowInput {
  const words = text.trim().replace(/\s+/g, " ");
  const lower = words.toLowerCase();
  if (lower === "back") return { kind: "back" };
  if (lower === "skip") return { kind: "skip" };
  if (lower === "cancel") return { kind: "cancel" };
  const edit = /^edit(?: (.*))?$/i.exec(words);
  if (edit) return { kind: "edit", field: (edit[1] ?? "").trim() };
  return { kind: "answer", text };
}

export function startTicket(): TicketState {
  return { answers: {}, cursor: ticketFields[0].key, history: [], warnings: {} };
}

const applies = (field: TicketField, answers: Record<string, AnswerValue>): boolean =>
  !field.appliesWhen || field.appliesWhen(answers);

/** The first field that applies to the answers and is neither answered nor skipped. */
export function nextField(state: TicketState): TicketField | undefined {
  return ticketFields.find(
    (f) => applies(f, state.answers) && !Object.prototype.hasOwnProperty.call(state.answers, f.key),
  );
}

/**
 * The field asked now: the cursor while it names a field that applies, else the next unanswered one
 * (a state stored before a field was added, or whose cursor no longer applies, still resumes).
 */
export function currentField(state: TicketState): TicketField | undefined {
  const atCursor = state.cursor === undefined ? undefined : ticketFields.find((f) => f.key === state.cursor);
  if (atCursor && applies(atCursor, state.answers)) return atCursor;
  return nextField(state);
}

/**
 * Where a question stands among the questions that apply to the answers so far ("Question 5 of 16"); the count
 * follows the answers (a conditional question joins when it starts to apply).
 */
export function questionPosition(state: TicketState, field: TicketField): { number: number; of: number } {
  const asked = ticketFields.filter((f) => applies(f, state.answers) || f.key === field.key);
  return { number: asked.findIndex((f) => f.key === field.key) + 1, of: asked.length };
}

/** Every field that applies is answered (or skipped) and no question is open. */
export function isComplete(state: TicketState): boolean {
  return currentField(state) === undefined;
}

/** A deep copy as plain JSON: outcomes never share objects with the state they were given. */
const copy = (state: TicketState): TicketState => JSON.parse(JSON.stringify(state)) as TicketState;

export function applyInput(state: TicketState, input: FlowInput, ctx: FlowContext): FlowOutcome {
  switch (input.kind) {
    case "cancel":
      return { kind: "cancelled", state };
    case "back":
      return goBack(state);
    case "edit":
      return edit(state, input.field);
    case "skip":
      return skip(state, ctx);
    case "answer":
      return answer(state, input.text, ctx);
  }
}

function answer(state: TicketState, text: string, ctx: FlowContext): FlowOutcome {
  const field = currentField(state);
  if (!field) return { kind: "invalid", state, reason: noQuestionReason };
  const parsed = field.parse(text, { today: ctx.today, platform: ctx.platform, answers: state.answers });
  if (!parsed.ok) return { kind: "refused", state, field, reason: parsed.reason };
  const next = record(state, field, parsed.value, parsed.warning, ctx);
  const nextQuestion = currentField(next);
  return parsed.warning === undefined
    ? { kind: "accepted", state: next, field, next: nextQuestion }
    : { kind: "accepted", state: next, field, warning: parsed.warning, next: nextQuestion };
}

function skip(state: TicketState, ctx: FlowContext): FlowOutcome {
  const field = currentField(state);
  if (!field) return { kind: "invalid", state, reason: noQuestionReason };
  if (!field.optional)
    return {
      kind: "invalid",
      state,
      reason: `${field.label} is required and cannot be skipped: please answer it, or \`cancel\` to stop`,
    };
  const next = record(state, field, null, undefined, ctx);
  return { kind: "skipped", state: next, field, next: currentField(next) };
}

const noQuestionReason = "there is no open question: the ticket is complete. Use `edit <field>` to change an answer";

/**
 * Records an answer (or `null` for a skip) and moves on: conditional fields that no longer apply lose
 * their answers, answers checked against this one are checked again (and asked anew when they no longer
 * fit), and the cursor goes to the next unanswered field, or the ticket completes.
 */
function record(
  state: TicketState,
  field: TicketField,
  value: AnswerValue,
  warning: string | undefined,
  ctx: FlowContext,
): TicketState {
  const next = copy(state);
  next.answers[field.key] = value;
  if (warning === undefined) delete next.warnings[field.key];
  else next.warnings[field.key] = warning;
  forgetWhatNoLongerFits(next, field, ctx);
  if (next.history[next.history.length - 1] !== field.key) next.history.push(field.key);
  const following = nextField(next);
  if (following) {
    next.cursor = following.key;
    delete next.completedAt;
  } else {
    delete next.cursor;
    next.completedAt = ctx.today.toISOString();
  }
  return next;
}

function forgetWhatNoLongerFits(state: TicketState, changed: TicketField, ctx: FlowContext): void {
  const forget = (key: string): void => {
    delete state.answers[key];
    delete state.warnings[key];
  };
  for (const f of ticketFields) {
    if (!Object.prototype.hasOwnProperty.call(state.answers, f.key)) continue;
    if (!applies(f, state.answers)) {
      forget(f.key);
      continue;
    }
    const value = state.answers[f.key];
    if (f.dependsOn?.includes(changed.key) && value !== null) {
      const again = f.parse(f.toInput(value), { today: ctx.today, platform: ctx.platform, answers: state.answers });
      if (!again.ok) forget(f.key);
    }
  }
}

function goBack(state: TicketState): FlowOutcome {
  const current = currentField(state);
  const history = [...state.history];
  while (history.length > 0) {
    const key = history.pop() as string;
    const target = ticketFields.find((f) => f.key === key);
    if (!target || !applies(target, state.answers) || target.key === current?.key) continue;
    const next = copy(state);
    next.history = history;
    next.cursor = target.key;
    delete next.completedAt;
    return { kind: "moved", state: next, next: target };
  }
  return { kind: "invalid", state, reason: "this is the first question: there is nothing to go back to" };
}

function edit(state: TicketState, name: string): FlowOutcome {
  if (name === "")
    return { kind: "invalid", state, reason: `which field? Use \`edit <field>\`, with one of: ${fieldNames()}` };
  const target = fieldByKey(name);
  if (!target)
    return {
      kind: "invalid",
      state,
      reason: `there is no field "${literal(name)}": use \`edit <field>\` with one of: ${fieldNames()}`,
    };
  if (!applies(target, state.answers)) {
    return {
      kind: "invalid",
      state,
      reason: `${target.label} does not apply to this ticket${target.condition ? ` (it is asked ${target.condition})` : ""}`,
    };
  }
  const next = copy(state);
  const current = currentField(state);
  if (current && current.key !== target.key && next.history[next.history.length - 1] !== current.key)
    next.history.push(current.key);
  next.cursor = target.key;
  delete next.completedAt;
  return { kind: "moved", state: next, next: target };
}

const fieldNames = (): string => ticketFields.map((f) => f.label.toLowerCase()).join(", ");

/**
 * All fields at once (a form): each value is read with its field's parser, in the order of the fields, so
 * conditional fields see the answers they depend on. Conditional fields that don't apply are dropped,
 * an empty optional field is recorded as skipped. The state changes only when no field has an error;
 * then the ticket is complete.
 */
export function applyForm(
  state: TicketState,
  values: Record<string, string>,
  ctx: FlowContext,
): { state: TicketState; errors: Record<string, string>; warnings: Record<string, string> } {
  const answers: Record<string, AnswerValue> = {};
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};
  const asked: string[] = [];
  for (const f of ticketFields) {
    if (!applies(f, answers)) continue;
    const text = (values[f.key] ?? "").trim();
    asked.push(f.key);
    if (text === "") {
      if (f.optional) answers[f.key] = null;
      else errors[f.key] = `${f.label} is required: ${f.question}`;
      continue;
    }
    const parsed = f.parse(text, { today: ctx.today, platform: ctx.platform, answers });
    if (!parsed.ok) {
      errors[f.key] = parsed.reason;
      continue;
    }
    answers[f.key] = parsed.value;
    if (parsed.warning !== undefined) warnings[f.key] = parsed.warning;
  }
  if (Object.keys(errors).length > 0) return { state, errors, warnings };
  const next: TicketState = {
    answers,
    history: asked,
    warnings: { ...warnings },
    completedAt: ctx.today.toISOString(),
  };
  return { state: copy(next), errors, warnings };
}

/** The form's initial values: every answer given so far, as text its field reads back. */
export function formValues(state: TicketState): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of ticketFields) {
    const value = state.answers[f.key];
    if (value !== undefined && value !== null) values[f.key] = f.toInput(value);
  }
  return values;
}
