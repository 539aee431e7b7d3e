import type { Case } from "../../src/case";
import { buttonOf } from "../../src/conversation/buttons";
import { credentialSecretName, encryptCredentials, randomSecret } from "../../src/credentials/credential-crypto";
import type { ChatLocation, Identity } from "../../src/identity";
import type { Party } from "../../src/party";
import { approvalHash, shortHash } from "../../src/signoff";
import { coreWithCredentials } from "../support/core-with-credentials";
import { testRedis } from "../support/redis";
import { validTicketAnswers } from "../support/ticket-answers";
import { pressAndApprove } from "../support/approval";

/**
 * The numbered problems of the authority issue, each as the scenario that showed it: every one of these failed
 * before the authority table and the signed deposit links.
 */
const { redis, prefix, cleanup } = testRedis("authority-problems");
afterAll(cleanup);

const person = (userId: string, teamId: string): Identity => ({ platform: "web", userId, teamId, name: userId });
const pat = person("pat", "T-PARTNER");
const nina = person("nina", "T-PARTNER"); // of the partner's workspace, not on the partner list
const cora = person("cora", "T-CUSTOMER");
const colin = person("colin", "T-CUSTOMER");
const alex = person("alex", "T-AWS");
const account = "222222222222";

const { chat, cases, audit, credentials, conversation } = coreWithCredentials(redis, prefix, ["pat", "sam"]);

let seq = 0;
const rid = () => `ap-${++seq}`;
const say = (who: Identity, text: string, where: ChatLocation, mentionsBot = true): Promise<unknown> =>
  conversation.handle({
    kind: "message",
    actor: who,
    requestId: rid(),
    text,
    mentionsBot,
    direct: false,
    location: where,
  });

interface Opened {
  value: Case;
  thread: ChatLocation;
}

/** `start` by `starter` in a fresh channel; optionally the whole ticket by form, naming approvers and recipients. */
async function open(
  starter: Identity,
  ticket?: { by: Identity; approvers: string; recipients: string },
): Promise<Opened> {
  const channel: ChatLocation = { platform: "web", channelId: `C-ap-${++seq}`, teamId: "T-PARTNER" };
  await say(starter, "start", channel);
  let value = (await cases.get((await cases.findByLocation(channel))!))!;
  if (ticket) {
    const answers = validTicketAnswers({
      approver: ticket.approvers,
      partnerRep: "<@pat|pat>",
      recipient: ticket.recipients,
    });
    const values = Object.fromEntries(answers.map((a) => [a.field, a.text === "skip" ? "" : a.text]));
    await (
      await conversation.handle({ kind: "form", actor: ticket.by, requestId: rid(), callbackId: value.id, values })
    ).after;
    value = (await cases.get(value.id))!;
  }
  return { value, thread: { ...channel, threadId: value.caseMessage!.messageId } };
}

async function approve(opened: Opened, party: Party, who: Identity): Promise<void> {
  const value = (await cases.get(opened.value.id))!;
  const button = buttonOf(
    { id: "signoff.approve", caseId: value.id, party, fingerprint: shortHash(approvalHash(value)) },
    "Approve",
  );
  await pressAndApprove(conversation, {
    kind: "action",
    actor: who,
    requestId: rid(),
    actionId: button.actionId,
    value: button.value,
    location: opened.thread,
  });
}

async function approvedCase(): Promise<Opened> {
  const opened = await open(pat, { by: pat, approvers: "<@cora|cora>", recipients: "<@cora|cora>" });
  await say(pat, "assign aws <@alex|alex>", opened.thread);
  await approve(opened, "customer", cora);
  await approve(opened, "aws", alex);
  await approve(opened, "partner", pat);
  expect((await cases.get(opened.value.id))!.status).toBe("approved");
  return opened;
}

function linksTo(pattern: RegExp): { to: string; url: string }[] {
  return chat.sent.flatMap((s) =>
    s.kind === "direct"
      ? s.body.blocks.flatMap((b) =>
          b.type === "link" && pattern.test(b.url) ? [{ to: s.to!.userId, url: b.url }] : [],
        )
      : [],
  );
}

async function deposit(caseId: string, url: string): Promise<unknown> {
  const key = randomSecret();
  const ciphertext = encryptCredentials(
    { email: "root@customer.example", password: "problems-test-password", mfaNotes: "" },
    key,
    credentialSecretName(caseId, account),
  );
  return credentials.completeDeposit(url.split("/d/")[1], { ciphertext, key }).catch((error: Error) => error);
}

beforeEach(() => chat.clear());

describe("1. credentials only after the sign-off, only to the signed-off recipients", () => {
  it("refuses `credentials` before the three sign-offs", async () => {
    const opened = await open(pat, { by: pat, approvers: "<@cora|cora>", recipients: "<@cora|cora>" });
    await say(pat, `credentials ${account}`, opened.thread);
    expect(linksTo(/\/d\//)).toEqual([]);
    expect(chat.last("ephemeral")!.body.text).toMatch(/not possible|cannot ask for a root-credential deposit link/i);
  });

  it("never delivers to a recipient named after the sign-offs: the edit voids them and the open deposit link", async () => {
    const opened = await approvedCase();
    await say(pat, `credentials ${account}`, opened.thread);
    const [depositLink] = linksTo(/\/d\//);
    expect(depositLink.to).toBe("pat");
    // A customer approver changes the recipients after the approval (the edit voids the sign-offs) …
    await say(cora, "edit credentialRecipients", opened.thread);
    await say(cora, "<@colin|colin>", opened.thread, false);
    expect((await cases.get(opened.value.id))!.ticket.answers.credentialRecipients).toEqual([
      expect.objectContaining({ userId: "colin" }),
    ]);
    // … and the partner deposits through the link issued before: refused, no retrieval link to anyone.
    const refused = await deposit(opened.value.id, depositLink.url);
    expect(String(refused)).toMatch(/no longer valid/);
    expect(linksTo(/\/r\//)).toEqual([]);
    expect((await audit.read(opened.value.id)).map((e) => e.action)).toContain("deposit.denied");
  });

  it("refuses a deposit through a link issued before the case was cancelled", async () => {
    const opened = await approvedCase();
    await say(pat, `credentials ${account}`, opened.thread);
    const [depositLink] = linksTo(/\/d\//);
    await say(cora, "cancel", opened.thread);
    expect((await cases.get(opened.value.id))!.status).toBe("cancelled");
    expect(String(await deposit(opened.value.id, depositLink.url))).toMatch(/no longer valid/);
    expect(linksTo(/\/r\//)).toEqual([]);
  });

  it("delivers to the signed-off recipient, and names them on the deposit page", async () => {
    const opened = await approvedCase();
    await say(pat, `credentials ${account}`, opened.thread);
    const [depositLink] = linksTo(/\/d\//);
    expect((await credentials.openDeposit(depositLink.url.split("/d/")[1]))?.recipients).toEqual(["cora"]);
    await deposit(opened.value.id, depositLink.url);
    expect(linksTo(/\/r\//).map((l) => l.to)).toEqual(["cora"]);
  });
});

describe("2. the starter is a customer approver only until the approvers are named", () => {
  it("drops the starter from the customer approvers once the ticket names others", async () => {
    const opened = await open(colin);
    expect(opened.value.members.customer.map((m) => m.userId)).toEqual(["colin"]);
    await say(colin, "Acme Corp", opened.thread, false);
    await say(colin, "<@cora|cora>", opened.thread, false);
    const value = (await cases.get(opened.value.id))!;
    expect(value.members.customer.map((m) => m.userId)).toEqual(["cora"]);
    chat.clear();
    await say(colin, "Run our own AWS organization", opened.thread, false);
    expect(chat.last("ephemeral")!.body.text).toMatch(/only the customer's approvers or a partner member/i);
  });
});

describe("3. the partner cannot collect all three sign-offs alone", () => {
  it("refuses a partner colleague named as a customer approver or as a credential recipient", async () => {
    const opened = await open(pat);
    await say(pat, "Acme Corp", opened.thread, false);
    await say(pat, "<@sam|sam>", opened.thread, false); // sam: a partner colleague (on the partner list)
    expect((await cases.get(opened.value.id))!.ticket.answers.customerApprovers).toBeUndefined();
    expect(chat.last("ephemeral")!.body.text).toMatch(/sam.* is a partner member and cannot be a customer approver/);
  });

  it("refuses an AWS approver from the partner's own workspace who is not on the partner list", async () => {
    const opened = await open(pat, { by: pat, approvers: "<@cora|cora>", recipients: "<@cora|cora>" });
    await say(pat, "assign aws <@nina|nina>", opened.thread);
    await approve(opened, "aws", nina);
    const value = (await cases.get(opened.value.id))!;
    expect(value.signOffs).toEqual([]);
    expect(chat.last("ephemeral")!.body.text).toMatch(/only the AWS approver can approve for AWS/i);
  });
});

describe("4. a case is visible only in its own channel", () => {
  it("answers `status <id>` from another channel as for an unknown id, with nothing of the case", async () => {
    const opened = await open(pat, { by: pat, approvers: "<@cora|cora>", recipients: "<@cora|cora>" });
    const elsewhere: ChatLocation = { platform: "web", channelId: "C-other-customer", teamId: "T-PARTNER" };
    chat.clear();
    await say(alex, `status ${opened.value.id}`, elsewhere);
    expect(chat.last("ephemeral")!.body.text).toBe(`there is no case ${opened.value.id} here`);
    expect(JSON.stringify(chat.sent)).not.toContain("Acme");
  });
});
