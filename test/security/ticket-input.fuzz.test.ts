import fc from "fast-check";
import type { AnswerValue, TicketState } from "../../src/case";
import { ticketFields, type FieldContext } from "../../src/ticket/fields";
import { applyInput, interpretReply, startTicket, type FlowInput } from "../../src/ticket/flow";
import type { ParseResult } from "../../src/ticket/parse-result";
import {
  parseAccountIds,
  parseChoice,
  parseDate,
  parseFreeText,
  parseMentions,
  parseOrganizationTarget,
  parseYesNo,
} from "../../src/ticket/parsers";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * Whatever people type (or a forged request carries), the ticket's parsers and the question flow
 * answer with a value or a reason, never an exception, and a refusal leaves the ticket as it was.
 * Property-based: fast-check draws the inputs, with a fixed seed so a failure replays.
 */
const runs = { numRuns: 200, seed: 20_261_126 };
const today = new Date("2026-11-26T12:00:00Z");

/** Any text: printable and control characters, lone surrogates, every plane of unicode, and long. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(..."<@|>!#&-,;:./ \n\t\r\u0000\u200b\u202eaZ09é😀o"), maxLength: 400 }),
  fc.string({ unit: "binary-ascii", minLength: 2000, maxLength: 6000 }),
  // Near misses of what the parsers read: mentions, e-mail addresses, account ids, dates, organization ids.
  fc.constantFrom(
    "<@U1|Jane>",
    "<@>",
    "<@|>",
    "<mailto:a@b.co|a@b.co>",
    "<!here>",
    "1234-5678-9012",
    "2027-02-30",
    "31/12/2027",
    "o-",
    "arn:aws:organizations::123456789012:organization/o-abcdefghij",
    "edit",
    "edit  ",
    "skip",
    "BACK",
    "\u0000",
    "",
  ),
  fc
    .tuple(fc.constantFrom("<@", "@", "1", "-", "o-", "a@", "edit "), fc.string({ maxLength: 40 }))
    .map(([a, b]) => a + b),
);

/** A result is a value, or a refusal with a reason a person can read. */
function expectWellFormed(result: ParseResult<unknown>): void {
  expect(typeof result).toBe("object");
  if (result.ok) {
    expect(result.value).not.toBeUndefined();
    if ("warning" in result && result.warning !== undefined) expect(result.warning.trim().length).toBeGreaterThan(0);
  } else {
    expect(typeof result.reason).toBe("string");
    expect(result.reason.trim().length).toBeGreaterThan(0);
  }
}

const options = [
  { value: "keep", label: "Keep them" },
  { value: "archive", label: "Archive them", aliases: ["arch"] },
  { value: "delete", label: "Delete them" },
];

describe("every parser of src/ticket/parsers.ts", () => {
  const parsers: [string, (text: string) => ParseResult<unknown>][] = [
    ["parseAccountIds", parseAccountIds],
    ["parseDate", (t) => parseDate(t, today)],
    ["parseYesNo", parseYesNo],
    ["parseChoice", (t) => parseChoice(t, options)],
    ["parseMentions", (t) => parseMentions(t, "slack")],
    ["parseMentions with e-mail addresses", (t) => parseMentions(t, "teams", { allowEmails: true })],
    ["parseFreeText", (t) => parseFreeText(t, { max: 120 })],
    ["parseOrganizationTarget", parseOrganizationTarget],
  ];
  it.each(parsers)("%s never throws and answers a value or a non-empty reason", (_name, parse) => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectWellFormed(parse(text));
      }),
      runs,
    );
  });
});

/** Answers a ticket half-way through would carry, so conditional fields and `dependsOn` checks run too. */
const someAnswers: Record<string, AnswerValue> = {
  customerName: "Acme Corp",
  accountIds: ["222222222222", "333333333333"],
  removalBy: "customer",
  destination: "organization",
  credentialRecipients: [{ platform: "slack", userId: "U1" }],
};

describe("every field's parse in src/ticket/fields.ts", () => {
  it.each(ticketFields.map((f) => [f.key, f] as const))(
    "%s never throws and answers a value or a non-empty reason",
    (_key, field) => {
      fc.assert(
        fc.property(
          anyText,
          fc.constantFrom<Record<string, AnswerValue>>({}, someAnswers),
          fc.constantFrom("slack" as const, "teams" as const, "web" as const),
          (text, answers, platform) => {
            const ctx: FieldContext = { today, platform, answers };
            expectWellFormed(field.parse(text, ctx));
          },
        ),
        runs,
      );
    },
  );
});

/** Ticket states a real conversation passes through: empty, then after each valid answer. */
function statesAlongTheWay(): TicketState[] {
  const states = [startTicket()];
  const answers = validTicketAnswers(
    { approver: "<@U1|Jane>", partnerRep: "<@U2|Pat>", recipient: "<@U1|Jane>" },
    "222222222222 333333333333",
  );
  for (const answer of answers) {
    const outcome = applyInput(states[states.length - 1], interpretReply(answer.text), {
      today: new Date(),
      platform: "slack",
    });
    if (outcome.kind !== "accepted" && outcome.kind !== "skipped")
      throw new Error(`the sample ticket was refused at ${answer.field}: ${JSON.stringify(outcome)}`);
    states.push(outcome.state);
  }
  return states;
}

describe("the question flow", () => {
  const states = statesAlongTheWay();
  const flowInput: fc.Arbitrary<FlowInput> = fc.oneof(
    anyText.map((text) => interpretReply(text)),
    anyText.map((text) => ({ kind: "edit" as const, field: text })),
    fc.constantFrom<FlowInput>({ kind: "back" }, { kind: "skip" }, { kind: "cancel" }),
  );

  it("interpretReply never throws and always answers one of the five inputs", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const input = interpretReply(text);
        expect(["answer", "back", "skip", "edit", "cancel"]).toContain(input.kind);
        if (input.kind === "answer") expect(input.text).toBe(text);
      }),
      runs,
    );
  });

  it("applyInput never throws, never touches the state it is given, and leaves it as it was when it refuses", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        flowInput,
        fc.constantFrom("slack" as const, "teams" as const, "web" as const),
        (state, input, platform) => {
          const before = JSON.parse(JSON.stringify(state)) as TicketState;
          const outcome = applyInput(state, input, { today, platform });
          expect(state).toEqual(before);
          if (outcome.kind === "refused" || outcome.kind === "invalid") {
            expect(outcome.state).toEqual(before);
            expect(outcome.reason.trim().length).toBeGreaterThan(0);
          }
          if (outcome.kind === "cancelled") expect(outcome.state).toEqual(before);
          // Whatever happened, the state stays plain JSON (it is stored as it is in Redis).
          expect(JSON.parse(JSON.stringify(outcome.state))).toEqual(outcome.state);
        },
      ),
      runs,
    );
  });
});

/**
 * A chat message can be long: Slack accepts 40,000 characters. Every parser must read one in a
 * blink, because it runs on the event loop that serves every other request. The e-mail, mention
 * and trailing-punctuation patterns backtrack quadratically on such input (0.5–2 s each), so the
 * parsers refuse a reply longer than any sensible answer of their kind before a pattern runs.
 */
describe("long adversarial replies", () => {
  const slackLimit = 40_000;
  const adversarial: Record<string, string> = {
    "an e-mail-like run without @": "a".repeat(slackLimit),
    "dashes then a letter": "-".repeat(slackLimit) + "a",
    "exclamation marks then a letter": "!".repeat(slackLimit) + "x",
    "unclosed mentions": "<@a|".repeat(slackLimit / 4),
  };
  // 250 ms: far below the 0.5–2 s of a quadratic pattern, far above a linear one on a loaded machine.
  it("every field parses a 40,000-character reply in under 250 ms", () => {
    for (const [what, text] of Object.entries(adversarial)) {
      for (const field of ticketFields) {
        const started = process.hrtime.bigint();
        field.parse(text, { today, platform: "slack", answers: {} });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // Stops at the first slow one: the suite should not spend seconds proving the same bug again.
        expect(`${field.key} on ${what}: ${ms > 250 ? `${Math.round(ms)} ms` : "fast"}`).toBe(
          `${field.key} on ${what}: fast`,
        );
      }
    }
  }, 60_000);
});
