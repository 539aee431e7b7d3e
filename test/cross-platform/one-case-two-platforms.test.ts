import { RedisKeys } from "../../adapters/redis/keys";
import type { Case } from "../../src/case";
import { executeActions } from "../support/bot-connector";
import { testRedis } from "../support/redis";
import type { SlackRequester, SlackTestUser } from "../support/slack-requests";
import { isoDaysFromNow } from "../support/ticket-answers";
import {
  awsApprover,
  bystander,
  customer,
  eventually,
  linkCodeIn,
  linkFromSlack,
  otherTeamsChannel,
  partner,
  slackChannel,
  SlackSide,
  startSlackCase,
  startTwoPlatforms,
  teamsChannel,
  TeamsSide,
  type TwoPlatforms,
} from "./two-platforms";

/**
 * One case across Slack and Teams: the partner works in Slack, the customer in Teams. The partner opens the case in
 * Slack and gives a link code; the customer joins their Teams channel with it; from then on every question, the
 * sign-off and the progress are shown in both, answers and presses from either act on the one case, and a credential
 * link goes to the Teams recipient by their 1:1 chat.
 */
let two: TwoPlatforms;
let slack: SlackSide;
let teams: TeamsSide;
const { redis, cleanup } = testRedis("cross-platform");
let threadTs: string;
/** The case's thread in the Teams channel (the reply chain of its case card there). */
let teamsThread: { platform: "teams"; channelId: string; threadId: string };
let code: string;

beforeAll(async () => {
  two = await startTwoPlatforms();
  slack = new SlackSide(two.web);
  teams = new TeamsSide(two.connector);
}, 60_000);
afterAll(async () => {
  await two?.close();
  await cleanup();
}, 60_000);

const audit = async (caseId: string) => two.deps.audit.read(caseId);

/** A reply in the Slack case thread as `who`; waits until the case changed (Slack works after its ack). */
async function slackReply(text: string, changed: (c: Case) => boolean, who = partner): Promise<Case> {
  await two.slack.reply(who, slackChannel, threadTs, text);
  return eventually(() => two.caseOf(), changed, `the case after "${text}" in Slack`);
}

async function slackSay(words: string, who = partner): Promise<void> {
  const answer = await two.slack.mention(who, slackChannel, words, threadTs);
  expect(answer.status).toBe(200);
}

/** An approval in Slack: the press, the approval modal it opens, its submit (`times` times: a double submit). */
async function approveInSlack(
  who: SlackTestUser,
  press: Parameters<SlackRequester["press"]>[1],
  times = 1,
): Promise<void> {
  const opened = two.web.history.filter((c) => c.method === "views.open").length;
  expect((await two.slack.press(who, press)).status).toBe(200);
  const view = await eventually(
    () => two.web.history.filter((c) => c.method === "views.open").slice(opened),
    (v) => v.length > 0,
    "the approval modal",
  );
  for (let i = 0; i < times; i++) await two.slack.submit(who, view[0].args.view as Record<string, unknown>, {});
}

/** A reply in the Teams case thread as the customer; Teams answers once the core is done. */
async function teamsReply(text: string): Promise<Case> {
  await two.teamsSay(customer, text, { threadId: teamsThread.threadId });
  return two.caseOf();
}

describe("one case across Slack and Teams", () => {
  it("gives the partner in Slack a link code privately, and audits only its hash", async () => {
    threadTs = await startSlackCase(two);
    const value = await two.caseOf();
    const link = await linkFromSlack(two, slack, threadTs);
    code = link.code;
    expect(link.notices.join("\n")).toContain(`@Offboard join ${code}`);
    // Never where others can read it, never in the audit trail: only its hash.
    const posted = two.web.history.filter((c) => c.method === "chat.postMessage").map((c) => JSON.stringify(c.args));
    expect(posted.join("\n")).not.toContain(code);
    const events = await audit(value.id);
    const issued = events.find((e) => e.action === "link.issued");
    expect(issued?.payload).toEqual({ codeHash: two.deps.linkCodes!.hashOf(code), expiresAt: expect.any(String) });
    expect(JSON.stringify(events)).not.toContain(code);
  }, 30_000);

  it("joins the customer's Teams channel to the case with the code: the card and the open question appear there", async () => {
    await two.teamsSay(customer, `<at>Offboard</at> join ${code.toLowerCase()}`);
    const value = await two.caseOf();
    expect(value.homes).toHaveLength(1);
    const home = value.homes![0];
    expect(home.location).toMatchObject({ platform: "teams", channelId: teamsChannel });
    expect(home.joinedBy).toMatchObject({ platform: "teams", userId: customer.aad });
    teamsThread = { platform: "teams", channelId: teamsChannel, threadId: home.caseMessage!.messageId };
    const card = teams.posts(teamsChannel).find((p) => p.id === home.caseMessage!.messageId);
    expect(card?.text).toContain(value.id);
    const inTeams = teams.thread(teamsThread).map((p) => p.text);
    expect(inTeams.join("\n")).toMatch(/followed on Teams too/);
    expect(inTeams.join("\n")).toMatch(/Question 1 of/);
    // The Slack thread learns it too; the joined conversation leads to the same case.
    await eventually(
      () => slack.thread(threadTs).map((p) => p.text),
      (t) => t.some((x) => /followed on Teams too/.test(x)),
      "the note in Slack",
    );
    expect(await two.deps.cases.findByLocation(teamsThread)).toBe(value.id);
    // Joining gives no roles: the customer is no approver until the ticket names her.
    expect(value.members.customer).toEqual([]);
    const joined = (await audit(value.id)).find((e) => e.action === "home.joined");
    expect(joined?.actor).toBe(`teams:${customer.aad}@${customer.tenant}`);
    expect(JSON.stringify(joined)).not.toContain(code);
  }, 30_000);

  it("refuses the same code again, from another Teams channel, and audits join.denied without the code", async () => {
    const before = (await two.caseOf()).homes!.length;
    await two.teamsSay(bystander, `<at>Offboard</at> join ${code}`, { channel: otherTeamsChannel });
    const value = await two.caseOf();
    expect(value.homes).toHaveLength(before);
    expect(await two.deps.cases.findByLocation({ platform: "teams", channelId: otherTeamsChannel })).toBeUndefined();
    const denied = (await audit(value.id)).filter((e) => e.action === "join.denied");
    expect(denied.map((e) => [e.actor, e.payload])).toEqual([
      [`teams:${bystander.aad}@${bystander.tenant}`, { because: "used", codeHash: two.deps.linkCodes!.hashOf(code) }],
    ]);
    expect(JSON.stringify(denied)).not.toContain(code);
    // Told privately (Teams: the 1:1 chat), never in the channel.
    const told = teams.direct(bystander).map((c) => JSON.stringify(c.body));
    expect(told.join("\n")).toMatch(/used already/);
    expect(teams.posts(otherTeamsChannel)).toEqual([]);
  }, 30_000);

  it("refuses an expired code and an unknown one", async () => {
    await slackSay("link");
    const fresh = await eventually(
      () =>
        slack
          .ephemeral(partner.id)
          .map(linkCodeIn)
          .filter((c): c is string => Boolean(c)),
      (codes) => codes.length >= 2,
      "a second code",
    );
    const second = fresh.at(-1)!;
    // Sixteen minutes later, as the store sees it: the code's end of life is in the past.
    await redis.hset(
      new RedisKeys(two.stack.prefix).linkCode(two.deps.linkCodes!.hashOf(second)),
      "expiresAt",
      new Date(Date.now() - 60_000).toISOString(),
    );
    await two.teamsSay(bystander, `<at>Offboard</at> join ${second}`, { channel: otherTeamsChannel });
    await two.teamsSay(bystander, "<at>Offboard</at> join ZZZZ-ZZZZ", { channel: otherTeamsChannel });
    const value = await two.caseOf();
    expect(value.homes).toHaveLength(1);
    const denied = (await audit(value.id)).filter((e) => e.action === "join.denied").map((e) => e.payload);
    expect(denied).toContainEqual({ because: "expired", codeHash: two.deps.linkCodes!.hashOf(second) });
    const told = teams.direct(bystander).map((c) => JSON.stringify(c.body));
    expect(told.join("\n")).toMatch(/has expired/);
    expect(told.join("\n")).toMatch(/not a link code Offboard gave/);
    expect(await two.deps.cases.findByLocation({ platform: "teams", channelId: otherTeamsChannel })).toBeUndefined();
  }, 30_000);

  it("takes the ticket's answers from both: the partner in Slack, the customer in Teams; each question shows in both", async () => {
    await slackReply("Acme Corp", (c) => c.customerName === "Acme Corp");
    // The partner names the customer's approver by her Teams ids: the person, not a name.
    let value = await slackReply(`teams:${customer.aad}@${customer.tenant}`, (c) => c.members.customer.length === 1);
    expect(value.members.customer).toEqual([{ platform: "teams", userId: customer.aad, teamId: customer.tenant }]);
    // Now the customer answers in Teams.
    value = await teamsReply("Run our own AWS organization");
    expect(value.ticket.answers.goal).toBe("Run our own AWS organization");
    value = await teamsReply(isoDaysFromNow(30));
    expect(value.ticket.answers.targetDate).toBe(isoDaysFromNow(30));
    await slackReply(`<@${partner.id}|pat>`, (c) => c.ticket.answers.partnerRepresentative !== undefined);
    await slackReply("222222222222 444444444444", (c) => c.accounts.length === 2);
    await slackReply("none", (c) => c.ticket.answers.accountsWithoutRootAccess !== undefined);
    // A mention in Teams names a Teams person.
    value = await teamsReply("<at>Cora</at>");
    expect(value.ticket.answers.credentialRecipients).toEqual([
      expect.objectContaining({ platform: "teams", userId: customer.aad }),
    ]);
    for (const answer of ["1", "partner", "no", "standalone", "archive", "yes"]) await teamsReply(answer);
    await slackSay(`assign aws <@${awsApprover.id}|alex>`);
    await eventually(
      () => two.caseOf(),
      (c) => c.members.aws.length === 1,
      "the AWS approver",
    );
    await teamsReply("skip");
    // The status flips before the sign-off is posted: wait for the card in both homes.
    value = await eventually(
      () => two.caseOf(),
      (c) => c.status === "awaiting_signoff" && Boolean(c.signOffMessage && c.homes?.[0].signOffMessage),
      "the plan and its sign-off",
    );
    // Every question was asked in both homes, in each platform's form.
    const slackTexts = slack
      .thread(threadTs)
      .map((p) => p.text)
      .join("\n");
    const teamsTexts = teams
      .thread(teamsThread)
      .map((p) => p.text)
      .join("\n");
    for (const asked of [/Question 3 of/, /Question 8 of/, /target date/i])
      expect({ slack: asked.test(slackTexts), teams: asked.test(teamsTexts) }).toEqual({ slack: true, teams: true });
    // The sign-off card in each home.
    expect(value.signOffMessage?.platform).toBe("slack");
    expect(value.homes![0].signOffMessage?.platform).toBe("teams");
  }, 120_000);

  it("refuses a press on the sign-off in Slack after the customer edited the ticket in Teams", async () => {
    const before = await two.caseOf();
    const oldSignOff = slack.thread(threadTs).find((p) => p.ts === before.signOffMessage!.messageId)!;
    const oldPartnerButton = slack.buttons(oldSignOff.call).find((b) => b.label === "Approve for Partner")!;
    expect(oldPartnerButton).toBeDefined();
    await two.teamsSay(customer, "<at>Offboard</at> edit targetDate", { threadId: teamsThread.threadId });
    await teamsReply(isoDaysFromNow(32));
    const replanned = await eventually(
      () => two.caseOf(),
      (c) =>
        c.status === "awaiting_signoff" &&
        c.plan!.version === before.plan!.version + 1 &&
        c.signOffMessage?.messageId !== before.signOffMessage!.messageId &&
        c.homes![0].signOffMessage?.messageId !== before.homes![0].signOffMessage!.messageId,
      "the new plan and its sign-off in both homes",
    );
    expect(replanned.signOffMessage!.messageId).not.toBe(before.signOffMessage!.messageId);
    const refusalsBefore = slack.ephemeral(partner.id).length;
    await two.slack.press(partner, {
      actionId: oldPartnerButton.action_id,
      value: oldPartnerButton.value,
      channelId: slackChannel,
      messageTs: oldSignOff.ts,
      threadTs,
    });
    const refusals = await eventually(
      () => slack.ephemeral(partner.id).slice(refusalsBefore),
      (n) => n.length > 0,
      "the refusal",
    );
    expect(refusals.join("\n")).toMatch(/not valid any more|changed|latest/i);
    expect((await two.caseOf()).signOffs).toEqual([]);
  }, 90_000);

  it("records approvals from both platforms, each once however often it is delivered", async () => {
    const value = await two.caseOf();
    // The customer approves on the sign-off card in her Teams channel: the press answers with the approval form,
    // its Approve is the sign-off; Teams delivers that submit twice.
    const card = teams.thread(teamsThread).find((p) => p.id === value.homes![0].signOffMessage!.messageId)!;
    // Behind its confirmation (an Action.ShowCard), the Action.Execute for the customer's party.
    const approve = teams.actions(card.call).find((a) => a.data.value?.includes(":customer:"))!;
    const where = { cardId: card.id, threadId: teamsThread.threadId };
    const form = await two.teamsPress(customer, { ...where, verb: approve.verb, data: approve.data });
    const submit = executeActions(form.value).find((a) => a.verb === "offboard.form.submit")!;
    expect(submit).toBeDefined();
    await two.teamsPress(customer, { ...where, verb: submit.verb, data: submit.data, id: "submit-cora-1" });
    await two.teamsPress(customer, { ...where, verb: submit.verb, data: submit.data, id: "submit-cora-1" });
    expect((await two.caseOf()).signOffs.map((s) => s.party)).toEqual(["customer"]);
    // The AWS approver approves from the direct message Slack brought him: the press opens the approval modal.
    const dm = slack.direct(awsApprover.id).at(-1)!;
    const awsButton = slack.buttons(dm).find((b) => b.label === "Approve for AWS")!;
    await approveInSlack(awsApprover, {
      actionId: awsButton.action_id,
      value: awsButton.value,
      channelId: String(dm.args.channel),
      messageTs: String(dm.result?.ts),
    });
    await eventually(
      () => two.caseOf(),
      (c) => c.signOffs.length === 2,
      "the AWS sign-off",
    );
    // The partner approves on the case's sign-off card in Slack, and submits the modal twice.
    const signOff = slack.thread(threadTs).find((p) => p.ts === value.signOffMessage!.messageId)!;
    const partnerButton = slack.buttons(signOff.call).find((b) => b.label === "Approve for Partner")!;
    await approveInSlack(
      partner,
      {
        actionId: partnerButton.action_id,
        value: partnerButton.value,
        channelId: slackChannel,
        messageTs: signOff.ts,
        threadTs,
      },
      2,
    );
    const approved = await eventually(
      () => two.caseOf(),
      (c) => c.status === "scheduled",
      "the schedule",
    );
    expect(approved.signOffs.map((s) => [s.party, `${s.by.platform}:${s.by.userId}`])).toEqual([
      ["customer", `teams:${customer.aad}`],
      ["aws", `slack:${awsApprover.id}`],
      ["partner", `slack:${partner.id}`],
    ]);
    const recorded = (await audit(value.id)).filter((e) => e.action === "signoff.recorded").map((e) => e.actor);
    expect(recorded).toEqual([
      `teams:${customer.aad}@${customer.tenant}`,
      `slack:${awsApprover.id}@${awsApprover.teamId}`,
      `slack:${partner.id}@${partner.teamId}`,
    ]);
    // Both homes' sign-off cards show all three approvals, updated in place.
    await two.stack.bot.conversation.workflow.flush();
    const teamsCard = teams.thread(teamsThread).find((p) => p.id === value.homes![0].signOffMessage!.messageId)!;
    expect(teams.updatesOf(teamsCard.id).length).toBeGreaterThan(0);
    expect(teams.actions(teamsCard.call)).toEqual([]);
    expect(slack.updatesOf(signOff.ts).length).toBeGreaterThan(0);
  }, 60_000);

  it("sends the credential link to the Teams recipient by her 1:1 chat, never into a channel", async () => {
    const value = await two.caseOf();
    await slackSay("credentials 222222222222");
    const depositDm = await eventually(
      () => slack.direct(partner.id).filter((c) => JSON.stringify(c.args).includes("/d/")),
      (d) => d.length === 1,
      "the deposit link",
    );
    const depositUrl = /https?:\/\/[^\s"<>|]+\/d\/[A-Za-z0-9_-]{43}/.exec(JSON.stringify(depositDm[0].args))![0];
    const { encryptCredentials, randomSecret, credentialSecretName } =
      await import("../../src/credentials/credential-crypto");
    const key = randomSecret();
    const ciphertext = encryptCredentials(
      { email: "root+acme@customer.example", password: "sandbox-two-platforms-7c1d", mfaNotes: "none" },
      key,
      credentialSecretName(value.id, "222222222222"),
    );
    const deposited = await fetch(`${two.base}${new URL(depositUrl).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ciphertext, key }),
    });
    expect(deposited.status).toBe(200);
    const direct = await eventually(
      () => teams.direct(customer).filter((c) => JSON.stringify(c.body).includes("/r/")),
      (d) => d.length === 1,
      "the retrieval link in Cora's Teams chat",
    );
    expect(JSON.stringify(direct[0].body)).toContain(key);
    // Nowhere else: not in either channel, not to anyone on Slack.
    const everywhere = [...teams.posts(teamsChannel), ...teams.thread(teamsThread)].map((p) =>
      JSON.stringify(p.call.body),
    );
    expect(everywhere.join("\n")).not.toContain(key);
    const slackPosts = two.web.history.filter((c) => c.method.startsWith("chat.")).map((c) => JSON.stringify(c.args));
    expect(slackPosts.join("\n")).not.toContain(key);
  }, 60_000);

  it("runs the handoff with its progress in both homes, updated in place in each", async () => {
    await slackSay("run");
    const done = await eventually(
      () => two.caseOf(),
      (c) => c.status === "completed" || c.status === "failed",
      "the run",
    );
    expect(done.status).toBe("completed");
    // The closing summary in both; the last progress is drawn before it (both after the status is stored).
    const summarized = () => ({
      slack: slack.thread(threadTs).some((p) => /Handoff of .* completed/.test(p.text)),
      teams: teams.thread(teamsThread).some((p) => /Handoff of .* completed/.test(p.text)),
    });
    await eventually(summarized, (s) => s.slack && s.teams, "the closing summary in both homes");
    const final = await two.caseOf();
    const slackProgress = final.progressMessage!;
    const teamsProgress = final.homes![0].progressMessage!;
    expect(slackProgress.platform).toBe("slack");
    expect(teamsProgress.platform).toBe("teams");
    const slackText = slack.thread(threadTs).find((p) => p.ts === slackProgress.messageId)!.text;
    const teamsText = teams.thread(teamsThread).find((p) => p.id === teamsProgress.messageId)!.text;
    for (const shown of [slackText, teamsText]) expect(shown).toMatch(/2\/2 accounts out/);
    // Updated in place, in each home: one progress message each, edited as the accounts moved.
    expect(slack.updatesOf(slackProgress.messageId).length).toBeGreaterThan(0);
    expect(teams.updatesOf(teamsProgress.messageId).length).toBeGreaterThan(0);
    expect(slack.thread(threadTs).filter((p) => /accounts out/.test(p.text))).toHaveLength(1);
    expect(teams.thread(teamsThread).filter((p) => /accounts out/.test(p.text))).toHaveLength(1);
  }, 120_000);

  it("records the platform and conversation of each action in the audit trail, and the export shows them", async () => {
    const value = await two.caseOf();
    const events = await audit(value.id);
    const placeOf = (action: string, actor: string) =>
      events.filter((e) => e.action === action && e.actor === actor).map((e) => e.where);
    const cora = `teams:${customer.aad}@${customer.tenant}`;
    const pat = `slack:${partner.id}@${partner.teamId}`;
    expect(placeOf("home.joined", cora)).toEqual([`teams:${teamsChannel}`]);
    expect(placeOf("signoff.recorded", cora)).toEqual([`teams:${teamsChannel}/${teamsThread.threadId}`]);
    // A Slack approval is submitted in a modal, which belongs to no conversation: it is audited where its button was
    // pressed, the case thread for the partner, his direct message with the bot for the AWS approver.
    expect(placeOf("signoff.recorded", pat)).toEqual([`slack:${slackChannel}/${threadTs}`]);
    // The latest of his direct messages (a re-plan brought a second one), where he pressed.
    const awsDm = slack.direct(awsApprover.id).at(-1)!;
    expect(placeOf("signoff.recorded", `slack:${awsApprover.id}@${awsApprover.teamId}`)).toEqual([
      `slack:${String(awsDm.args.channel)}/${String(awsDm.result?.ts)}`,
    ]);
    expect(JSON.stringify(events)).not.toContain("slack:-");
    // What the partner said in the case thread says so.
    expect(placeOf("link.issued", pat)).toEqual(Array(2).fill(`slack:${slackChannel}/${threadTs}`));
    expect(placeOf("ticket.answered", cora).every((w) => w === `teams:${teamsChannel}/${teamsThread.threadId}`)).toBe(
      true,
    );
    // Offboard's own events have no place; the chain, places included, verifies.
    expect(events.filter((e) => e.actor === "system").every((e) => e.where === undefined)).toBe(true);
    expect((await two.deps.audit.readVerified(value.id)).verification).toEqual({ ok: true, count: events.length });

    await slackSay("export");
    const report = await eventually(
      () => [...two.web.files.values()].find((f) => f.bytes && f.filename === `${value.id}.md`),
      Boolean,
      "the Markdown export",
    );
    const markdown = report!.bytes!.toString("utf8");
    expect(markdown).toContain(`- teams ${teamsChannel}: joined by Cora (${customer.aad})`);
    expect(markdown).toMatch(
      new RegExp(`${cora} \\(Customer\\) in teams:19:acme-cloud@thread\\.tacv2/\\d+: signoff\\.recorded`),
    );
    expect(markdown).toContain(`${pat} (Partner) in slack:${slackChannel}/${threadTs}: signoff.recorded`);
  }, 60_000);
});
