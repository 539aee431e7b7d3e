import type { Plan } from "../../src/plan";
import type { JobQueue } from "../../src/ports";
import { approvalHash, shortHash } from "../../src/signoff";
import { fieldByKey, type TicketFieldKey } from "../../src/ticket/fields";
import { people, startSlackHarness, validTicketAnswers, type SlackHarness } from "../support/slack-harness";
import { buttonsOf, messageText } from "../support/slack-web-api";

/**
 * The ticket in the case thread over the real Bolt app: `/offboard start` in a Slack Connect channel,
 * the questions answered by thread replies (the partner names the customer, the customer from its own
 * workspace answers the rest), the summary, the sign-off message and the three approvals.
 */
const sharedChannel = "CSHARED1";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-thread", partnerUsers: [people.partner.id, "SPARTNERS"] });
  h.web.channels.set(sharedChannel, { id: sharedChannel, is_ext_shared: true, is_shared: true });
  h.web.userGroups.set("SPARTNERS", [people.partnerViaGroup.id]);
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => h.web.clear());

/** Opens a case in `channel` as the partner and lets the partner name the customer and its approver. */
async function openCaseWithCustomer(channel: string): Promise<string> {
  h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
  const started = await h.act(h.slack.command(people.partner, channel, "start"));
  expect(started.status).toBe(200);
  const value = await h.caseIn(channel);
  await h.answerTicket(
    people.partner,
    value.id,
    validTicketAnswers(),
    (field) => field === "customerName" || field === "customerApprovers",
  );
  return value.id;
}

describe("a ticket answered by thread replies", () => {
  it("goes from /offboard start through the summary and three sign-offs to approved", async () => {
    const started = await h.act(h.slack.command(people.partner, sharedChannel, "start"));
    expect(started.status).toBe(200);
    expect(started.text).toBe("");

    const opened = await h.caseIn(sharedChannel);
    expect(opened.status).toBe("collecting");
    expect(opened.locations[0]).toMatchObject({
      platform: "slack",
      channelId: sharedChannel,
      teamId: "TPARTNER",
      shared: true,
    });
    expect(h.web.callsOf("conversations.info")).toHaveLength(1);
    const caseMessage = h.web.callsOf(
      "chat.postMessage",
      (a) => a.channel === sharedChannel && a.thread_ts === undefined,
    )[0];
    expect(messageText(caseMessage.args)).toContain(opened.id);
    expect(buttonsOf(caseMessage.args).map((b) => b.action_id)).toEqual(["ticket.form#0", "case.cancel#1"]);
    const firstQuestion = h.web.callsOf("chat.postMessage", (a) => a.thread_ts === opened.caseMessage!.messageId)[0];
    expect(messageText(firstQuestion.args)).toContain(fieldByKey("customerName")!.question);

    // The partner names the customer; the customer, a Slack Connect guest from TACME, answers the rest.
    await h.answerTicket(
      people.partner,
      opened.id,
      validTicketAnswers(),
      (field) => field === "customerName" || field === "customerApprovers",
    );
    const answered = await h.answerTicket(people.customer, opened.id, validTicketAnswers());
    expect(answered).toBeGreaterThan(10);

    let value = await h.reload(opened);
    expect(value.status).toBe("awaiting_signoff");
    expect(value.customerName).toBe("Acme Corp");
    expect(value.accounts).toEqual(["123456789012", "210987654321"]);
    expect(value.members.customer).toEqual([expect.objectContaining({ userId: people.customer.id })]);
    const summary = h.web.postedTexts("chat.postMessage").find((t) => t.includes(`Ticket for ${value.id}`));
    expect(summary).toContain("Departing AWS AccountIDs: 123456789012, 210987654321");

    await h.act(h.slack.command(people.partner, sharedChannel, `assign aws <@${people.aws.id}|${people.aws.name}>`));
    value = await h.reload(value);
    expect(value.members.aws).toEqual([expect.objectContaining({ userId: people.aws.id })]);

    const hash = shortHash(approvalHash(value));
    const signOff = h.findButton("signoff.approve", (v) => v.endsWith(`:customer:${hash}`));
    expect(signOff.actionId).toMatch(/^signoff\.approve#\d$/);

    await h.approve(people.customer, (v) => v.includes(":customer:"));
    await h.approve(people.aws, (v) => v.includes(":aws:"));
    expect((await h.reload(value)).status).toBe("awaiting_signoff");
    await h.approve(people.partner, (v) => v.includes(":partner:"));

    value = await h.reload(value);
    expect(value.status).toBe("approved");
    expect(value.signOffs.map((s) => [s.party, s.by.userId, s.by.teamId])).toEqual([
      ["customer", people.customer.id, "TACME"],
      ["aws", people.aws.id, "TAWS"],
      ["partner", people.partner.id, "TPARTNER"],
    ]);
    const actions = await h.auditActions(value.id);
    expect(actions.filter((a) => a === "signoff.recorded")).toHaveLength(3);
    expect(actions).toContain("case.approved");
    const lastSignOffUpdate = h.web.callsOf("chat.update", (a) => a.ts === value.signOffMessage!.messageId).at(-1)!;
    expect(buttonsOf(lastSignOffUpdate.args)).toEqual([]);
    expect(messageText(lastSignOffUpdate.args)).toContain("All three parties approved");
    expect(h.errors).toEqual([]);
  });

  it("re-asks every kind of field with the reason when the answer is bad", async () => {
    const caseId = await openCaseWithCustomer("CBAD1");
    const value = (await h.cases.get(caseId))!;
    const thread = value.caseMessage!;
    // One bad answer per kind of field: free text, mentions, date, account IDs, accounts among the
    // departing ones, a choice, yes/no, and an organization target.
    const bad: [TicketFieldKey, string, RegExp][] = [
      ["goal", " ", /./],
      ["targetDate", "2001-01-01", /past/i],
      ["partnerRepresentative", "x".repeat(200), /120/],
      ["accountIds", "12345", /12 digits/],
      ["accountsWithoutRootAccess", "999999999999", /not one of the departing accounts/],
      ["credentialRecipients", "jane@acme.example", /mention/i],
      ["credentialDelivery", "7", /no option 7/],
      ["removalBy", "customer", /./], // valid: opens the conditional IAM users question
      ["customerIamUsers", " ", /./],
      ["keepLifecycleTooling", "perhaps", /yes or no/i],
      ["destination", "organization", /./], // valid: opens the conditional organization question
      ["newOrganization", "o-", /organization/i],
    ];
    const answers = validTicketAnswers({ removalBy: "customer", destination: "organization" });
    for (const [key, text, reason] of bad) {
      await h.answerTicket(people.customer, caseId, answers, (field) => field !== key);
      const before = (await h.cases.get(caseId))!;
      expect(before.ticket.cursor).toBe(key);
      const field = fieldByKey(key)!;
      const parsed = field.parse(text, { today: new Date(), platform: "slack", answers: before.ticket.answers });
      if (parsed.ok) continue; // the two choices that open conditional questions
      h.web.clear();
      await h.act(h.slack.reply(people.customer, thread.channelId, thread.messageId, text));
      const after = (await h.cases.get(caseId))!;
      expect(after.ticket.cursor).toBe(key);
      expect(after.ticket.answers[key]).toEqual(before.ticket.answers[key]);
      expect(after.ticket.answers).toEqual(before.ticket.answers);
      const reasked = h.web.postedTexts("chat.postMessage");
      expect(reasked).toHaveLength(1);
      expect(reasked[0]).toContain("That answer was not accepted");
      expect(reasked[0]).toMatch(reason);
      expect(reasked[0]).toContain(field.question);
      await h.act(h.slack.reply(people.customer, thread.channelId, thread.messageId, answers[key]));
      expect((await h.cases.get(caseId))!.ticket.cursor).not.toBe(key);
    }
    await h.answerTicket(people.customer, caseId, answers);
    const done = (await h.cases.get(caseId))!;
    expect(done.status).toBe("awaiting_signoff");
    expect(done.ticket.answers).toMatchObject({
      removalBy: "customer",
      destination: "organization",
      newOrganization: "o-a1b2c3d4e5",
    });
  });

  it("resumes the questions after a restart of the app mid-ticket", async () => {
    const caseId = await openCaseWithCustomer("CRESTART1");
    await h.answerTicket(people.customer, caseId, validTicketAnswers(), (_field, count) => count < 3);
    const before = (await h.cases.get(caseId))!;
    expect(before.ticket.cursor).toBe("accountIds");

    await h.restart();
    h.web.clear();
    const thread = before.caseMessage!;
    await h.act(h.slack.reply(people.customer, thread.channelId, thread.messageId, "123456789012"));
    const after = (await h.cases.get(caseId))!;
    expect(after.ticket.answers.accountIds).toEqual(["123456789012"]);
    expect(h.web.postedTexts("chat.postMessage")[0]).toContain(fieldByKey("accountsWithoutRootAccess")!.question);
    await h.answerTicket(people.customer, caseId, validTicketAnswers());
    expect((await h.cases.get(caseId))!.status).toBe("awaiting_signoff");
  });

  it("counts a member of a partner user group as the partner", async () => {
    const caseId = await openCaseWithCustomer("CGROUP1");
    await h.answerTicket(people.customer, caseId, validTicketAnswers());
    h.web.clear();
    expect(await h.approve(people.partnerViaGroup, (v) => v.startsWith(`${caseId}:partner:`))).toBe(true);
    const value = (await h.cases.get(caseId))!;
    expect(value.signOffs.map((s) => [s.party, s.by.userId])).toEqual([["partner", people.partnerViaGroup.id]]);
    // The group's members were read once and cached in Redis with a short TTL.
    expect(h.web.callsOf("usergroups.users.list").length).toBeLessThanOrEqual(1);
    expect(await h.redis.ttl(`${h.prefix}slack:usergroup:SPARTNERS`)).toBeGreaterThan(0);
  });
});

describe("with a job queue that plans at once", () => {
  let q: SlackHarness;
  const queued: string[] = [];
  const planned: Promise<void>[] = [];

  beforeAll(async () => {
    const plan = (caseId: string): Plan => ({
      version: 1,
      createdAt: new Date().toISOString(),
      organizationId: "o-partner0001",
      managementAccountId: "111111111111",
      removalBy: "partner",
      warnings: [],
      accounts: [
        {
          accountId: "123456789012",
          member: true,
          artifacts: [],
          buckets: [],
          rootHandover: "credential_link",
          warnings: [`planned for ${caseId}`],
        },
      ],
    });
    q = await startSlackHarness({
      label: "slack-plan",
      partnerUsers: [people.partner.id],
      queue: (conversation): JobQueue => ({
        preflight: async (caseId) => {
          queued.push(`preflight:${caseId}`);
          // The preflight job's answer, delivered after this call returns, as a worker would.
          setImmediate(() => planned.push(conversation().workflow.planReady(caseId, plan(caseId))));
        },
        scheduleRun: async (caseId, at) => void queued.push(`scheduleRun:${caseId}:${at.toISOString().slice(0, 10)}`),
        runNow: async (caseId) => void queued.push(`runNow:${caseId}`),
        retryAccount: async (caseId, accountId) => void queued.push(`retry:${caseId}:${accountId}`),
        cancelScheduled: async (caseId) => void queued.push(`cancel:${caseId}`),
        scheduleReminders: async (caseId) => void queued.push(`reminders:${caseId}`),
      }),
    });
    q.web.channels.set(sharedChannel, { id: sharedChannel, is_ext_shared: true, is_shared: true });
  });

  afterAll(async () => {
    await q.close();
  });

  it("posts the plan, binds the sign-offs to it and schedules the run", async () => {
    await q.act(q.slack.command(people.partner, sharedChannel, "start"));
    const opened = await q.caseIn(sharedChannel);
    await q.answerTicket(
      people.partner,
      opened.id,
      validTicketAnswers(),
      (f) => f === "customerName" || f === "customerApprovers",
    );
    await q.answerTicket(people.customer, opened.id, validTicketAnswers());
    expect(queued).toContain(`preflight:${opened.id}`);
    // planReady runs on the next turn of the event loop, outside any Slack request.
    for (let i = 0; i < 50 && planned.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(planned);
    let value = await q.reload(opened);
    expect(value.status).toBe("awaiting_signoff");
    expect(value.plan?.version).toBe(1);
    expect(q.web.postedTexts("chat.postMessage").some((t) => t.includes(`Plan v1 for ${value.id}`))).toBe(true);
    expect(q.findButton("signoff.approve").label).toBeDefined();
    expect(
      messageText(q.web.callsOf("chat.postMessage", (a) => messageText(a).includes("Sign-off for"))[0].args),
    ).toContain("plan v1");

    await q.act(q.slack.command(people.partner, sharedChannel, `assign aws <@${people.aws.id}>`));
    await q.approve(people.customer, (v) => v.includes(":customer:"));
    await q.approve(people.aws, (v) => v.includes(":aws:"));
    await q.approve(people.partner, (v) => v.includes(":partner:"));
    value = await q.reload(value);
    expect(value.status).toBe("scheduled");
    expect(value.signOffs.every((s) => s.hash === approvalHash(value))).toBe(true);
    expect(queued).toContain(`scheduleRun:${value.id}:${value.ticket.answers.targetDate}`);
    expect(q.errors).toEqual([]);
  });
});
