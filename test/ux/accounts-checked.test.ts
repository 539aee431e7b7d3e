import type { Case } from "../../src/case";
import type { Message } from "../../src/message";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * Account ids checked against the partner's organization the moment they are answered (the ticket's question, `edit`
 * and the form), through the real AWS SDK against the sandbox: an id AWS does not know in the organization
 * (`DescribeAccount` → AccountNotFoundException), or its management account, is refused at once and named, and the
 * question is asked again; one DescribeAccount per id.
 */
let stack: FullStack;
const posts: Message[] = [];

beforeAll(async () => {
  stack = await startFullStack({});
  const chat = stack.bot.chat;
  const post = chat.post.bind(chat);
  chat.post = (where, body) => {
    posts.push(body);
    return post(where, body);
  };
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

const textOf = (body: Message) => body.blocks.map((b) => ("text" in b ? b.text : "")).join("\n");
const answers = validTicketAnswers(
  { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
  "222222222222 444444444444",
);
const describeCalls = (): Record<string, number> =>
  Object.fromEntries(
    Object.entries(stack.sandbox.counters())
      .filter(([key]) => /^organizations:DescribeAccount:\d{12}$/.test(key))
      .map(([key, n]) => [key.split(":")[2], n]),
  );

/** Opens a case and answers up to (not including) the accounts question. */
async function upToAccounts(): Promise<Case> {
  await stack.act({
    kind: "message",
    mentionsBot: true,
    direct: false,
    text: "start",
    actor: people.partner,
    location: { platform: "web", channelId: stack.channelId },
  });
  const value = await stack.caseOf();
  for (const answer of answers.slice(
    0,
    answers.findIndex((a) => a.field === "accountIds"),
  ))
    await stack.reply(value, answer.text);
  expect((await stack.caseOf()).ticket.cursor).toBe("accountIds");
  return value;
}

describe("account ids checked when they are answered", () => {
  let value: Case;

  it("refuses an unknown id and an account outside the organization at once, naming each, and asks again", async () => {
    value = await upToAccounts();
    stack.sandbox.resetCounters();
    await stack.reply(value, "222222222222, 9999-9999-9999, 777777777777");
    const refusal = textOf(posts.at(-1)!);
    expect(refusal).toMatch(/That answer was not accepted: the partner's organization cannot hand off these accounts/);
    expect(refusal).toMatch(/999999999999 is not a member of the partner's organization o-partner0001/);
    expect(refusal).toMatch(/777777777777 is not a member of the partner's organization o-partner0001/);
    expect(refusal).not.toMatch(/222222222222 is/);
    expect(refusal).toMatch(/Which AWS accounts are leaving\?/);
    const after = await stack.caseOf();
    expect(after.ticket.cursor).toBe("accountIds");
    expect(after.ticket.answers.accountIds).toBeUndefined();
    expect(after.accounts).toEqual([]);
    // One DescribeAccount per id, nothing else per account.
    expect(describeCalls()).toEqual({ "222222222222": 1, "999999999999": 1, "777777777777": 1 });
  }, 30_000);

  it("refuses the partner's management account, which cannot leave its own organization", async () => {
    await stack.reply(value, "111111111111");
    expect(textOf(posts.at(-1)!)).toMatch(
      /the partner's organization cannot hand off this account:\n• account 111111111111 is the management account of o-partner0001/,
    );
    expect((await stack.caseOf()).ticket.cursor).toBe("accountIds");
  }, 30_000);

  it("takes accounts the organization can hand off and moves to the next question", async () => {
    stack.sandbox.resetCounters();
    await stack.reply(value, "222222222222 444444444444");
    const after = await stack.caseOf();
    expect(after.ticket.answers.accountIds).toEqual(["222222222222", "444444444444"]);
    expect(after.ticket.cursor).toBe("accountsWithoutRootAccess");
    expect(textOf(posts.at(-1)!)).toMatch(/✔ Departing account IDs: 222222222222, 444444444444/);
    expect(describeCalls()).toEqual({ "222222222222": 1, "444444444444": 1 });
  }, 30_000);

  it("checks the ids again on `edit accounts`, and keeps the earlier answer when the new one is refused", async () => {
    await stack.command(value, "edit accounts");
    await stack.reply(value, "222222222222 123412341234");
    expect(textOf(posts.at(-1)!)).toMatch(/123412341234 is not a member of the partner's organization/);
    const after = await stack.caseOf();
    expect(after.ticket.cursor).toBe("accountIds");
    expect(after.ticket.answers.accountIds).toEqual(["222222222222", "444444444444"]);
  }, 30_000);

  it("refuses the form's account ids with the same reason, as the field's error", async () => {
    const values = Object.fromEntries(answers.map((a) => [a.field, a.text]));
    const outcome = await stack.bot.conversation.handle({
      kind: "form",
      requestId: `${stack.prefix}form-1`,
      callbackId: value.id,
      actor: people.partner,
      values: { ...values, accountIds: "222222222222, 888877776666" },
    });
    expect(outcome.formErrors?.accountIds).toMatch(/888877776666 is not a member of the partner's organization/);
    expect(Object.keys(outcome.formErrors ?? {})).toEqual(["accountIds"]);
  }, 30_000);

  it("lets the answer stand when AWS cannot be asked now: the preflight checks it after the last question", async () => {
    stack.sandbox.setFaults({ throttleRate: 1 });
    try {
      await stack.reply(value, "222222222222 555555555555");
    } finally {
      stack.sandbox.setFaults({ throttleRate: 0 });
    }
    const after = await stack.caseOf();
    expect(after.ticket.answers.accountIds).toEqual(["222222222222", "555555555555"]);
  }, 60_000);
});
