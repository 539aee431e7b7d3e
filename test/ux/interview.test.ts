import type { Message } from "../../src/message";
import { dayText } from "../../src/date-text";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * The interview as people would choose it: each question says where it stands ("Question 5 of 15"), each answer is
 * said back as understood, and fixed choices and yes/no questions come with buttons (typed words still work).
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

const buttonsOf = (body: Message) => body.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
const textOf = (body: Message) => body.blocks.map((b) => ("text" in b ? b.text : "")).join("\n");

describe("the interview", () => {
  it("numbers the questions, says each answer back and offers buttons for choices, which answer when pressed", async () => {
    await stack.act({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "start",
      actor: people.partner,
      location: { platform: "web", channelId: stack.channelId },
    });
    const value = await stack.caseOf();
    expect(textOf(posts.at(-1)!)).toMatch(/^Question 1 of \d+ · \*Customer\*/m);
    const answers = validTicketAnswers(
      { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
      "222222222222",
    );
    const pressed: string[] = [];
    for (const answer of answers) {
      const question = posts.at(-1)!;
      const buttons = buttonsOf(question);
      const typedChoice = answer.field === "credentialDelivery" || answer.field === "destination";
      if (buttons.length && !typedChoice) {
        // Press the button whose option the typed answer names ("archive", "yes", "partner").
        const button =
          buttons.find((b) => b.value.endsWith(`:${answer.text}`)) ??
          buttons.find((b) => b.label.toLowerCase() === answer.text);
        expect(button).toBeDefined();
        pressed.push(answer.field);
        await stack.act({
          kind: "action",
          actionId: button!.actionId,
          value: button!.value,
          actor: people.customer,
          location: { platform: "web", channelId: stack.channelId, threadId: value.caseMessage!.messageId },
        });
      } else {
        await stack.reply(value, answer.text);
      }
      if (answer.field === "targetDate")
        expect(textOf(posts.at(-1)!)).toContain(`✔ Target date: ${dayText(answer.text)}`);
    }
    expect(pressed).toEqual(["removalBy", "keepLifecycleTooling", "bucketDisposition", "accountsPayableInformed"]);
    const done = await stack.caseOf();
    expect(done.ticket.answers).toMatchObject({
      removalBy: "partner",
      keepLifecycleTooling: false,
      bucketDisposition: "archive",
      accountsPayableInformed: true,
      credentialDelivery: expect.any(String),
    });
    expect(done.ticket.completedAt).toBeDefined();
  }, 60_000);

  it("refuses a choice button of a question already answered as stale", async () => {
    const value = await stack.caseOf();
    await stack.act({
      kind: "action",
      actionId: "ticket.choice",
      value: `${value.id}:removalBy:customer`,
      actor: people.partner,
      location: { platform: "web", channelId: stack.channelId, threadId: value.caseMessage!.messageId },
    });
    expect((await stack.caseOf()).ticket.answers.removalBy).toBe("partner");
  });
});
