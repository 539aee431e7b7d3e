import type { TicketState } from "../case";
import {
  applyForm,
  applyInput,
  currentField,
  formValues,
  interpretReply,
  isComplete,
  nextField,
  startTicket,
  type FlowInput,
  type FlowOutcome,
} from "./flow";

const today = new Date("2026-11-26T12:00:00Z");
const ctx = { today, platform: "slack" as const };

const answer = (text: string): FlowInput => ({ kind: "answer", text });

/** Applies replies one after the other, as typed in the thread; each must be accepted or skipped. */
function reply(state: TicketState, ...texts: string[]): TicketState {
  let current = state;
  for (const text of texts) {
    const outcome = applyInput(current, interpretReply(text), ctx);
    if (outcome.kind !== "accepted" && outcome.kind !== "skipped" && outcome.kind !== "moved") {
      throw new Error(`"${text}" was not taken: ${JSON.stringify(outcome)}`);
    }
    current = outcome.state;
  }
  return current;
}

/** The replies up to (not including) the departing accounts. */
const upToAccounts = ["Acme Corp", "<@U1|Jane>", "We take the accounts over.", "2027-01-15", "Sam Rep"];
/** A whole ticket where the partner removes the accounts and they go standalone. */
const wholeTicket = [
  ...upToAccounts,
  "111111111111, 222222222222",
  "none",
  "<@U1>",
  "link",
  "partner",
  "yes",
  "CTL-CAM-Provider",
  "standalone",
  "keep",
  "yes",
  "skip",
];

function expectKind<K extends FlowOutcome["kind"]>(outcome: FlowOutcome, kind: K): Extract<FlowOutcome, { kind: K }> {
  expect(outcome.kind).toBe(kind);
  return outcome as Extract<FlowOutcome, { kind: K }>;
}

describe("interpretReply", () => {
  it.each([
    ["back", { kind: "back" }],
    [" BACK ", { kind: "back" }],
    ["Skip", { kind: "skip" }],
    ["cancel", { kind: "cancel" }],
    ["edit target date", { kind: "edit", field: "target date" }],
    ["Edit   accounts ", { kind: "edit", field: "accounts" }],
    ["edit", { kind: "edit", field: "" }],
    ["go back", { kind: "answer", text: "go back" }],
    ["editorial team", { kind: "answer", text: "editorial team" }],
    ["Acme Corp", { kind: "answer", text: "Acme Corp" }],
  ])("reads %p as %p", (text, input) => {
    expect(interpretReply(text)).toEqual(input);
  });
});

describe("the question flow", () => {
  it("starts at the customer name with nothing answered", () => {
    const state = startTicket();
    expect(state).toEqual({ answers: {}, cursor: "customerName", history: [], warnings: {} });
    expect(nextField(state)?.key).toBe("customerName");
    expect(isComplete(state)).toBe(false);
  });

  it("asks every field in order and completes after the last one", () => {
    let state = startTicket();
    const asked: string[] = [];
    for (const text of wholeTicket) {
      asked.push(currentField(state)?.key ?? "none");
      state = reply(state, text);
    }
    expect(asked).toEqual([
      "customerName",
      "customerApprovers",
      "goal",
      "targetDate",
      "partnerRepresentative",
      "accountIds",
      "accountsWithoutRootAccess",
      "credentialRecipients",
      "credentialDelivery",
      "removalBy",
      "keepLifecycleTooling",
      "keepPartnerAccess",
      "destination",
      "bucketDisposition",
      "accountsPayableInformed",
      "specialConsiderations",
    ]);
    expect(isComplete(state)).toBe(true);
    expect(state.cursor).toBeUndefined();
    expect(state.completedAt).toBe(today.toISOString());
    expect(state.answers).toMatchObject({
      accountIds: ["111111111111", "222222222222"],
      accountsWithoutRootAccess: [],
      removalBy: "partner",
      specialConsiderations: null,
    });
    expect(state.answers).not.toHaveProperty("customerIamUsers");
    expect(state.answers).not.toHaveProperty("newOrganization");
  });

  it("tells the next question with each accepted answer, and none after the last", () => {
    const first = expectKind(applyInput(startTicket(), answer("Acme Corp"), ctx), "accepted");
    expect(first.field.key).toBe("customerName");
    expect(first.next?.key).toBe("customerApprovers");
    const beforeLast = reply(startTicket(), ...wholeTicket.slice(0, -1));
    const last = expectKind(applyInput(beforeLast, answer("Be quick"), ctx), "accepted");
    expect(last.next).toBeUndefined();
    expect(last.state.answers.specialConsiderations).toBe("Be quick");
  });

  it("refuses a bad answer with the parser's reason and leaves the state as it was", () => {
    const state = reply(startTicket(), ...upToAccounts);
    const before = JSON.stringify(state);
    const outcome = expectKind(applyInput(state, answer("12345678901"), ctx), "refused");
    expect(outcome.field.key).toBe("accountIds");
    expect(outcome.reason).toBe('"12345678901" is not an AWS account ID: account IDs have exactly 12 digits');
    expect(JSON.stringify(outcome.state)).toBe(before);
  });

  it("never changes the state it is given", () => {
    const state = reply(startTicket(), "Acme Corp");
    const before = JSON.stringify(state);
    applyInput(state, answer("<@U1>"), ctx);
    applyInput(state, { kind: "back" }, ctx);
    applyInput(state, { kind: "edit", field: "customer" }, ctx);
    expect(JSON.stringify(state)).toBe(before);
  });

  it("keeps the warning of an answer and drops it when the answer is given again without one", () => {
    let state = reply(startTicket(), "Acme Corp", "<@U1>", "Goal");
    const soon = expectKind(applyInput(state, answer("2026-12-01"), ctx), "accepted");
    expect(soon.warning).toMatch(/only 5 days away/);
    expect(soon.state.warnings.targetDate).toBe(soon.warning);
    state = reply(soon.state, "edit date", "2027-01-15");
    expect(state.warnings).not.toHaveProperty("targetDate");
  });

  it("refuses to skip a required field and says it is required", () => {
    const outcome = expectKind(applyInput(startTicket(), { kind: "skip" }, ctx), "invalid");
    expect(outcome.reason).toBe("Customer is required and cannot be skipped: please answer it, or `cancel` to stop");
  });

  it("skips an optional field by recording null and moves on", () => {
    const state = reply(startTicket(), ...upToAccounts, "111111111111");
    const outcome = expectKind(applyInput(state, { kind: "skip" }, ctx), "skipped");
    expect(outcome.field.key).toBe("accountsWithoutRootAccess");
    expect(outcome.state.answers.accountsWithoutRootAccess).toBeNull();
    expect(outcome.next?.key).toBe("credentialRecipients");
  });

  it("goes back to the previous question, and forward again to the first unanswered one", () => {
    const state = reply(startTicket(), "Acme Corp", "<@U1>");
    const back = expectKind(applyInput(state, { kind: "back" }, ctx), "moved");
    expect(back.next.key).toBe("customerApprovers");
    expect(back.state.answers.customerApprovers).toEqual([{ platform: "slack", userId: "U1" }]);
    const again = expectKind(applyInput(back.state, answer("<@U2>"), ctx), "accepted");
    expect(again.state.answers.customerApprovers).toEqual([{ platform: "slack", userId: "U2" }]);
    expect(again.next?.key).toBe("goal");
  });

  it("goes back several questions in a row", () => {
    const state = reply(startTicket(), "Acme Corp", "<@U1>", "Goal", "back", "back");
    expect(state.cursor).toBe("customerApprovers");
    expect(reply(state, "back").cursor).toBe("customerName");
  });

  it("refuses back at the first question", () => {
    const outcome = expectKind(applyInput(startTicket(), { kind: "back" }, ctx), "invalid");
    expect(outcome.reason).toBe("this is the first question: there is nothing to go back to");
  });

  it("goes back from a complete ticket to its last question", () => {
    const done = reply(startTicket(), ...wholeTicket);
    const back = expectKind(applyInput(done, { kind: "back" }, ctx), "moved");
    expect(back.next.key).toBe("specialConsiderations");
    expect(isComplete(back.state)).toBe(false);
    expect(back.state.completedAt).toBeUndefined();
  });

  it("edits a field of a complete ticket: completion is cleared until it is answered, then the ticket completes again", () => {
    const done = reply(startTicket(), ...wholeTicket);
    const moved = expectKind(applyInput(done, { kind: "edit", field: "buckets" }, ctx), "moved");
    expect(moved.next.key).toBe("bucketDisposition");
    expect(moved.state.completedAt).toBeUndefined();
    expect(isComplete(moved.state)).toBe(false);
    const later = new Date("2026-11-27T08:00:00Z");
    const answered = expectKind(applyInput(moved.state, answer("delete"), { ...ctx, today: later }), "accepted");
    expect(answered.next).toBeUndefined();
    expect(answered.state.answers.bucketDisposition).toBe("delete");
    expect(answered.state.completedAt).toBe(later.toISOString());
    expect(isComplete(answered.state)).toBe(true);
  });

  it("after an edit in the middle, continues with the first unanswered question", () => {
    const state = reply(startTicket(), "Acme Corp", "<@U1>", "Goal", "edit customer", "Acme Inc");
    expect(state.answers.customerName).toBe("Acme Inc");
    expect(state.cursor).toBe("targetDate");
  });

  it("goes back from an edited field to the question that was open", () => {
    const state = reply(startTicket(), "Acme Corp", "<@U1>", "edit customer");
    expect(reply(state, "back").cursor).toBe("goal");
  });

  it("refuses to edit an unknown field and lists the fields", () => {
    const outcome = expectKind(applyInput(startTicket(), { kind: "edit", field: "pizza" }, ctx), "invalid");
    expect(outcome.reason).toMatch(
      /^there is no field "pizza": use `edit <field>` with one of: customer, customer approvers, goal, target date/,
    );
  });

  it("asks which field when edit names none", () => {
    expect(expectKind(applyInput(startTicket(), { kind: "edit", field: "" }, ctx), "invalid").reason).toMatch(
      /^which field\?/,
    );
  });

  it("refuses to edit a conditional field that does not apply and says when it does", () => {
    const done = reply(startTicket(), ...wholeTicket);
    const outcome = expectKind(applyInput(done, { kind: "edit", field: "iam users" }, ctx), "invalid");
    expect(outcome.reason).toBe(
      "Customer IAM users needing permissions does not apply to this ticket (it is asked only when your company removes the accounts from the organization)",
    );
  });

  it("refuses an answer or a skip when no question is open", () => {
    const done = reply(startTicket(), ...wholeTicket);
    expect(expectKind(applyInput(done, answer("hello"), ctx), "invalid").reason).toMatch(
      /^there is no open question: the ticket is complete/,
    );
    expect(expectKind(applyInput(done, { kind: "skip" }, ctx), "invalid").reason).toMatch(/^there is no open question/);
  });

  it("cancels at any point without touching the answers", () => {
    const state = reply(startTicket(), "Acme Corp");
    const outcome = expectKind(applyInput(state, { kind: "cancel" }, ctx), "cancelled");
    expect(outcome.state).toEqual(state);
  });

  it("asks for the IAM users when the customer removes the accounts, and the new organization when there is one", () => {
    const state = reply(startTicket(), ...upToAccounts, "111111111111", "none", "<@U1>", "link", "customer");
    expect(state.cursor).toBe("customerIamUsers");
    const more = reply(state, "ops-admin", "no", "organization");
    expect(more.cursor).toBe("newOrganization");
    const named = reply(more, "o-a1b2c3d4e5");
    expect(named.cursor).toBe("joinDecision");
    expect(reply(named, "wait").cursor).toBe("bucketDisposition");
  });

  it("drops the IAM users when removal switches to the partner, and asks for them again when it switches back", () => {
    const done = reply(
      startTicket(),
      ...upToAccounts,
      "111111111111",
      "none",
      "<@U1>",
      "link",
      "customer",
      "ops-admin",
      "no",
      "standalone",
      "keep",
      "yes",
      "skip",
    );
    expect(isComplete(done)).toBe(true);
    expect(done.answers.customerIamUsers).toBe("ops-admin");
    const toPartner = reply(done, "edit removal", "partner");
    expect(toPartner.answers).not.toHaveProperty("customerIamUsers");
    expect(isComplete(toPartner)).toBe(true);
    const back = expectKind(applyInput(reply(toPartner, "edit removal"), answer("customer"), ctx), "accepted");
    expect(back.next?.key).toBe("customerIamUsers");
    expect(isComplete(back.state)).toBe(false);
  });

  it("asks again for the accounts without root access when an edit of the departing accounts leaves them out", () => {
    const done = reply(
      startTicket(),
      ...upToAccounts,
      "111111111111, 222222222222",
      "222222222222",
      "<@U1>",
      "link",
      "partner",
      "yes",
      "none",
      "standalone",
      "keep",
      "yes",
      "skip",
    );
    const kept = reply(done, "edit accounts", "111111111111 222222222222 333333333333");
    expect(kept.answers.accountsWithoutRootAccess).toEqual(["222222222222"]);
    expect(isComplete(kept)).toBe(true);
    const edited = expectKind(applyInput(reply(done, "edit accounts"), answer("111111111111"), ctx), "accepted");
    expect(edited.state.answers).not.toHaveProperty("accountsWithoutRootAccess");
    expect(edited.next?.key).toBe("accountsWithoutRootAccess");
  });

  it("completes again when the departing accounts are asked anew after a rejected plan", () => {
    const done = reply(startTicket(), ...wholeTicket);
    // What the workflow does when the organization rejects an account: cursor back on the accounts.
    const reopened: TicketState = { ...done, cursor: "accountIds", completedAt: undefined };
    expect(isComplete(reopened)).toBe(false);
    const outcome = expectKind(applyInput(reopened, answer("111111111111"), ctx), "accepted");
    expect(outcome.next).toBeUndefined();
    expect(isComplete(outcome.state)).toBe(true);
  });

  it("resumes from the JSON it was stored as, exactly where it stopped", () => {
    const half = reply(startTicket(), ...upToAccounts, "111111111111", "none");
    const stored = JSON.stringify(half);
    const resumed = JSON.parse(stored) as TicketState;
    expect(resumed).toEqual(half);
    expect(currentField(resumed)?.key).toBe("credentialRecipients");
    const finished = reply(resumed, ...wholeTicket.slice(7));
    expect(isComplete(finished)).toBe(true);
    expect(JSON.parse(JSON.stringify(finished))).toEqual(finished);
  });

  it("resumes a stored state without a cursor at the first unanswered question", () => {
    const half = reply(startTicket(), "Acme Corp");
    const { cursor: _cursor, ...withoutCursor } = half;
    expect(currentField(withoutCursor)?.key).toBe("customerApprovers");
    expect(isComplete(withoutCursor)).toBe(false);
  });
});

describe("applyForm", () => {
  const fullForm: Record<string, string> = {
    customerName: "Acme Corp",
    customerApprovers: "<@U1>, cfo@acme.example",
    goal: "We take the accounts over.",
    targetDate: "2027-01-15",
    partnerRepresentative: "Sam Rep",
    accountIds: "111111111111\n222222222222",
    accountsWithoutRootAccess: "",
    credentialRecipients: "<@U1>",
    credentialDelivery: "passwordless",
    rootEmails: "111111111111 root-prod@acme.example\n222222222222 root-dev@acme.example",
    removalBy: "partner",
    customerIamUsers: "ops-admin",
    keepLifecycleTooling: "no",
    destination: "organization",
    newOrganization: "o-a1b2c3d4e5",
    joinDecision: "wait",
    bucketDisposition: "archive",
    accountsPayableInformed: "no",
    specialConsiderations: "",
  };

  it("takes every field at once and completes the ticket", () => {
    const result = applyForm(startTicket(), fullForm, ctx);
    expect(result.errors).toEqual({});
    expect(isComplete(result.state)).toBe(true);
    expect(result.state.completedAt).toBe(today.toISOString());
    expect(result.state.answers).toMatchObject({
      accountIds: ["111111111111", "222222222222"],
      accountsWithoutRootAccess: null,
      newOrganization: "o-a1b2c3d4e5",
      specialConsiderations: null,
    });
  });

  it("drops a conditional field that does not apply, even when filled in", () => {
    const result = applyForm(startTicket(), fullForm, ctx);
    expect(result.state.answers).not.toHaveProperty("customerIamUsers");
  });

  it("returns the warnings of the accepted answers and keeps them in the state", () => {
    const result = applyForm(startTicket(), fullForm, ctx);
    expect(result.warnings.accountsPayableInformed).toMatch(/prorated invoices/);
    expect(result.state.warnings).toEqual(result.warnings);
  });

  it("reports an error per bad or missing field and leaves the state as it was", () => {
    const state = reply(startTicket(), "Old name");
    const result = applyForm(
      state,
      {
        ...fullForm,
        accountIds: "123",
        targetDate: "2020-01-01",
        goal: " ",
        removalBy: "customer",
        customerIamUsers: "",
      },
      ctx,
    );
    expect(result.state).toBe(state);
    expect(result.errors).toEqual({
      accountIds: '"123" is not an AWS account ID: account IDs have exactly 12 digits',
      targetDate: expect.stringMatching(/^2020-01-01 is in the past/),
      goal: "Goal is required: What is the goal of this handoff, in a few sentences?",
      customerIamUsers: expect.stringMatching(/^Customer IAM users needing permissions is required/),
    });
  });

  it("checks the accounts without root access against the departing accounts of the same form", () => {
    const result = applyForm(startTicket(), { ...fullForm, accountsWithoutRootAccess: "333333333333" }, ctx);
    expect(result.errors.accountsWithoutRootAccess).toMatch(/^333333333333 is not one of the departing accounts/);
  });

  it("prefills a form with text that reads back to the same answers", () => {
    const done = reply(startTicket(), ...wholeTicket);
    const values = formValues(done);
    expect(values.customerApprovers).toBe("<@U1|Jane>");
    expect(values.accountsWithoutRootAccess).toBe("none");
    const again = applyForm(done, values, ctx);
    expect(again.errors).toEqual({});
    expect(again.state.answers).toEqual(done.answers);
  });
});
