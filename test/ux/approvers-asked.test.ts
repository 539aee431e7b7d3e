import type { Identity } from "../../src/identity";
import type { Message } from "../../src/message";
import { approvalHash, shortHash } from "../../src/signoff";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { pressAndApprove } from "../support/approval";

/**
 * Approvers asked where they are: when sign-off opens, each customer approver and each AWS approver gets a direct
 * message with the plan in one line and their party's approve button; an AWS approver named later is asked when
 * named. The sign-off card names who each party waits on, and a refused press says who may approve.
 */
let stack: FullStack;
const directs: { to: Identity; body: Message }[] = [];
const notices: { to: Identity; body: Message }[] = [];

beforeAll(async () => {
  stack = await startFullStack({});
  const chat = stack.bot.chat;
  const direct = chat.direct.bind(chat);
  chat.direct = (to, body) => {
    directs.push({ to, body });
    return direct(to, body);
  };
  const ephemeral = chat.ephemeral.bind(chat);
  chat.ephemeral = (where, to, body) => {
    notices.push({ to, body });
    return ephemeral(where, to, body);
  };
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const buttonsOf = (body: Message) => body.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
const words = (body: Message) => JSON.stringify(body);

describe("approvers asked where they are", () => {
  it("asks each customer and AWS approver by direct message when sign-off opens, with their party's button", async () => {
    const value = await stack.openPlannedCase("222222222222 444444444444");
    expect(value.status).toBe("awaiting_signoff");
    // The status flips before the sign-off is posted and the approvers asked.
    await until(() => directs.some((d) => d.to.userId === "U-ALEX"), "the AWS approver's direct message");
    const carol = directs.filter((d) => d.to.userId === "U-CAROL");
    const alex = directs.filter((d) => d.to.userId === "U-ALEX");
    expect(carol).toHaveLength(1);
    expect(alex).toHaveLength(1);
    expect(carol[0].body.text).toMatch(/Your sign-off for Customer is needed/);
    expect(words(carol[0].body)).toMatch(/plan v1 · 2 accounts · \d+ partner artifacts to remove/);
    expect(buttonsOf(carol[0].body).map((b) => [b.actionId, b.label])).toEqual([
      ["signoff.approve", "Approve for Customer"],
    ]);
    expect(buttonsOf(alex[0].body).map((b) => b.label)).toEqual(["Approve for AWS"]);
    expect(directs.filter((d) => d.to.userId === "U-PAT")).toHaveLength(0);

    // The button in the direct message approves (after its approval form), from where the approver is.
    const press = buttonsOf(carol[0].body)[0];
    await pressAndApprove(stack.bot.conversation, {
      kind: "action",
      actionId: press.actionId,
      value: press.value,
      actor: people.customer,
      location: { platform: "web", channelId: "D-U-CAROL" },
      requestId: `${stack.prefix}dm-approval`,
    });
    expect((await stack.caseOf()).signOffs.map((s) => s.party)).toEqual(["customer"]);
  }, 60_000);

  it("names on the sign-off card who each party waits on", async () => {
    const value = await stack.caseOf();
    const card = await stack.bot.conversation.workflow.presenter.signOffCard(value);
    const facts = card.blocks.flatMap((b) => (b.type === "fields" ? b.fields : []));
    expect(facts.find((f) => f.label === "Customer")?.value).toMatch(/^✅ <@U-CAROL\|Carol Chen> at ⟦date:/);
    expect(facts.find((f) => f.label === "AWS")?.value).toBe("waiting on <@U-ALEX|Alex Rivera>");
    expect(facts.find((f) => f.label === "Partner")?.value).toMatch(/^waiting on /);
  });

  it("asks an AWS approver named while sign-off is open", async () => {
    const value = await stack.caseOf();
    await stack.command(value, "assign aws <@U-JO|Jo Kim>");
    const jo = directs.filter((d) => d.to.userId === "U-JO");
    expect(jo).toHaveLength(1);
    expect(buttonsOf(jo[0].body).map((b) => b.label)).toEqual(["Approve for AWS"]);
    // Alex was asked already: not asked again.
    expect(directs.filter((d) => d.to.userId === "U-ALEX")).toHaveLength(1);
  });

  it("names who may approve when a press is refused", async () => {
    const value = await stack.caseOf();
    const hash = shortHash(approvalHash(value));
    await stack.act({
      kind: "action",
      actionId: "signoff.approve",
      value: `${value.id}:aws:${hash}`,
      actor: people.partner,
      location: { platform: "web", channelId: stack.channelId, threadId: value.caseMessage!.messageId },
    });
    const refusal = notices.filter((n) => n.to.userId === "U-PAT").at(-1);
    expect(refusal?.body.text).toMatch(/only the AWS approver can approve for AWS/i);
    expect(refusal?.body.text).toContain("<@U-ALEX|Alex Rivera> or <@U-JO|Jo Kim>");
  });
});
