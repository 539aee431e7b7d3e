import type { Case } from "../../src/case";
import type { CaseRecord } from "../support/case-record";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import type { Outcome } from "../../src/ports";
import type { ChatLocation, Identity } from "../../src/identity";
import type { Message } from "../../src/message";
import { startFullStack, people, type FullStack } from "../support/full-stack";
import { validTicketAnswers } from "../support/ticket-answers";

/**
 * The passwordless root handover through the whole product: the demo channel as the platform, the real
 * composition root (Redis, BullMQ workers, SDK clients) and the sandbox. Accounts poll every 200 ms.
 */
jest.setTimeout(120_000);

const accounts = { "222222222222": "aws-prod@acme.example", "555555555555": "aws-sandbox@acme.example" } as const;
type AccountId = keyof typeof accounts;

let stack: FullStack;
let deps: ConversationDeps;
let seq = 0;
const ephemerals: { to: Identity; text: string }[] = [];

beforeAll(async () => {
  stack = await startFullStack({}, {}, { customerPollMs: 200 });
  deps = (stack.bot.conversation as unknown as { deps: ConversationDeps }).deps;
  const ephemeral = deps.chat.ephemeral.bind(deps.chat);
  deps.chat.ephemeral = async (where: ChatLocation, to: Identity, body: Message) => {
    ephemerals.push({ to, text: body.text });
    return ephemeral(where, to, body);
  };
}, 30_000);
afterAll(async () => stack?.stop(), 30_000);

const thread = (value: Case): ChatLocation => ({
  platform: "web",
  channelId: stack.channelId,
  threadId: value.caseMessage!.messageId,
});
const handle = (input: Record<string, unknown>): Promise<Outcome> =>
  stack.bot.conversation.handle({ ...input, requestId: `${stack.prefix}root-${++seq}` } as never);
const reply = (value: Case, who: Identity, text: string) =>
  handle({ kind: "message", mentionsBot: false, direct: false, text, actor: who, location: thread(value) });
const command = (value: Case, who: Identity, text: string) =>
  handle({ kind: "message", mentionsBot: true, direct: false, text, actor: who, location: thread(value) });
const otp = (id: AccountId) => stack.sandbox.otp(id);
const member = (id: AccountId) => stack.sandbox.state.accounts.get(id)!;

/**
 * `/offboard start`, the ticket with the passwordless delivery and a root e-mail per account, the AWS approver, the
 * plan.
 */
async function openPasswordlessCase(): Promise<CaseRecord> {
  const location = { platform: "web" as const, channelId: stack.channelId };
  await handle({ kind: "message", mentionsBot: true, direct: false, text: "start", actor: people.partner, location });
  const value = await stack.caseOf();
  const answers = validTicketAnswers(
    { approver: "<@U-CAROL|Carol Chen>", partnerRep: "<@U-PAT|Pat Morgan>", recipient: "<@U-CAROL|Carol Chen>" },
    Object.keys(accounts).join(" "),
  );
  for (const answer of answers) {
    if (answer.field === "credentialDelivery") {
      await reply(value, people.partner, "2");
      await reply(
        value,
        people.partner,
        Object.entries(accounts)
          .map(([id, email]) => `${id} ${email}`)
          .join("\n"),
      );
    } else {
      await reply(value, people.partner, answer.text);
    }
  }
  await command(value, people.partner, "assign aws <@U-ALEX|Alex Rivera>");
  return stack.waitFor(
    (c) => c.status === "awaiting_signoff" && Boolean(c.signOffMessage),
    30_000,
    "the plan and its sign-off message",
  );
}

describe("the passwordless root handover, end to end", () => {
  it("hands two accounts' root access over with the codes AWS mailed, refusing a wrong code and a partner's code", async () => {
    let value = await openPasswordlessCase();
    expect(value.ticket.answers.rootEmails).toEqual([
      "222222222222=aws-prod@acme.example",
      "555555555555=aws-sandbox@acme.example",
    ]);
    for (const account of value.accountPlans)
      expect(account).toMatchObject({
        rootHandover: "passwordless",
        newRootEmail: accounts[account.accountId as AccountId],
      });

    await stack.approveAll(value);
    await command(value, people.partner, "run");
    value = await stack.waitFor(
      (c) =>
        Object.keys(accounts).every((id) => c.progress[id]?.steps.root_handover === "running" && otp(id as AccountId)),
      30_000,
      "both accounts to wait for their code",
    );
    // The run waits: nothing after the root handover has happened.
    expect(value.status).toBe("executing");
    expect(member("222222222222").organizationId).toBe("o-partner0001");

    // A wrong code: refused privately, nothing changes, the run keeps waiting.
    const wrong = otp("222222222222") === "000000" ? "111111" : "000000";
    expect(await reply(value, people.customer, `code 222222222222 ${wrong}`)).toEqual({ notice: "code refused" });
    expect(ephemerals.at(-1)).toMatchObject({
      to: people.customer,
      text: expect.stringContaining("That is not the code AWS sent to aws-prod@acme.example for 222222222222"),
    });
    expect(member("222222222222").email).toBe("aws-prod@ctl-managed.example");

    // The partner cannot give it, even the right one: the code proves the customer reads that mailbox.
    await reply(value, people.partner, `code 222222222222 ${otp("222222222222")}`);
    expect(ephemerals.at(-1)!.text).toMatch(/only a customer approver can give the root e-mail code/i);
    expect(member("222222222222").email).toBe("aws-prod@ctl-managed.example");

    // The right codes: one as a thread reply, one as a command.
    const codes = { "222222222222": otp("222222222222")!, "555555555555": otp("555555555555")! };
    expect(await reply(value, people.customer, `code 2222-2222-2222 ${codes["222222222222"]}`)).toEqual({
      notice: "code accepted for 222222222222",
    });
    expect(await command(value, people.customer, `code 555555555555 ${codes["555555555555"]}`)).toEqual({
      notice: "code accepted for 555555555555",
    });

    value = await stack.waitFor((c) => c.status === "completed" || c.status === "failed", 60_000, "the run to finish");
    expect(value.status).toBe("completed");
    for (const [id, email] of Object.entries(accounts) as [AccountId, string][]) {
      const account = member(id);
      expect(account.email).toBe(email);
      expect(account.iam.root.loginProfile).toBeDefined(); // the recovery profile: the customer sets the password
      expect(account.iam.root.accessKeys).toEqual([]);
      expect(account.iam.root.signingCertificates).toEqual([]);
      expect([...account.iam.mfaDevices.values()].filter((d) => d.user === "ROOT")).toEqual([]);
      expect(account.organizationId).toBeUndefined();
      expect(value.progress[id].steps).toMatchObject({
        root_handover: "done",
        leave_org: "done",
        lock_role: "done",
        exit_check: "done",
      });
    }

    const events = await deps.audit.read(value.id);
    expect(
      events
        .filter((e) => e.action === "root.code_accepted")
        .map((e) => (e.payload as { accountId: string }).accountId)
        .sort(),
    ).toEqual(Object.keys(accounts));
    expect(
      events.filter((e) => e.action === "root.code_refused").map((e) => (e.payload as { reason: string }).reason),
    ).toEqual(["not the code AWS sent"]);
    expect(events.filter((e) => e.action === "code.denied").map((e) => e.actor)).toEqual([
      expect.stringContaining(people.partner.userId),
    ]);
    // The codes themselves appear nowhere in the audit trail.
    const trail = JSON.stringify(events);
    for (const code of [wrong, ...Object.values(codes)]) expect(trail).not.toContain(code);
    // Root handed over before leaving: each account's milestones precede its removal.
    for (const id of Object.keys(accounts)) {
      const order = events
        .filter(
          (e) =>
            (e.payload as { accountId?: string })?.accountId === id && /^step\.(root_handover\.|done)/.test(e.action),
        )
        .map((e) => e.action);
      expect(order.indexOf("step.root_handover.root_password_recovery_allowed")).toBeLessThan(
        order.lastIndexOf("step.done"),
      );
    }

    // A code after the fact changes nothing and says so.
    await reply(value, people.customer, `code 222222222222 ${codes["222222222222"]}`);
    expect(stack.sandbox.counters()["account:AcceptPrimaryEmailUpdate:222222222222"]).toBe(2);
  });
});
