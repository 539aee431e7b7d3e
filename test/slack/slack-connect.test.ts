import { caseNumber } from "../../src/case";
import { fieldByKey } from "../../src/ticket/fields";
import { people, startSlackHarness, validTicketAnswers, type SlackHarness } from "../support/slack-harness";
import type { SlackTestUser } from "../support/slack-requests";
import { fakeBot, messageText } from "../support/slack-web-api";

/**
 * Slack Connect: the customer is a guest from another workspace, for whom slash commands do not
 * exist; and a case started in one of the partner's own channels moves to a dedicated channel shared
 * with the customer by e-mail invitation.
 */
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-connect", partnerUsers: [people.partner.id] });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => h.web.clear());

describe("an external customer user", () => {
  it("does everything without the slash command: mentions, thread replies and buttons", async () => {
    const channel = "CCONNECT1";
    h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
    const guest: SlackTestUser = { id: "UACME9", teamId: "TACME", name: "eve.external" };

    const started = await h.act(h.slack.mention(guest, channel, "start"));
    expect(started.status).toBe(200);
    const opened = await h.caseIn(channel);
    // The guest is the starter, a customer approver, with their own team id; the case lives in the partner's
    // installation.
    expect(opened.createdBy).toMatchObject({ platform: "slack", userId: guest.id, teamId: "TACME" });
    expect(opened.members.customer).toEqual([expect.objectContaining({ userId: guest.id, teamId: "TACME" })]);
    expect(opened.locations[0]).toMatchObject({ channelId: channel, teamId: fakeBot.teamId, shared: true });

    // Slack sends the mention twice (app_mention and message): the message twin is no answer.
    const thread = opened.caseMessage!;
    const twin = h.slack.messageEvent(guest, channel, `<@${fakeBot.userId}> status`, thread.messageId);
    h.web.clear();
    await h.act(h.slack.event(twin));
    await h.act(h.slack.mention(guest, channel, "status", thread.messageId));
    expect((await h.reload(opened)).ticket.answers).toEqual({});
    expect(h.ephemeralsTo(guest.id)).toEqual([expect.stringContaining(opened.id)]);
    expect(h.web.callsOf("chat.postEphemeral")[0].args.thread_ts).toBe(thread.messageId);

    await h.answerTicket(
      guest,
      opened.id,
      validTicketAnswers({ customerApprovers: `<@${guest.id}|${guest.name}>`, credentialRecipients: `<@${guest.id}>` }),
    );
    let value = await h.reload(opened);
    expect(value.status).toBe("awaiting_signoff");
    expect(value.members.customer.map((m) => m.userId)).toEqual([guest.id]);

    h.web.clear();
    await h.approve(guest, (v) => v.startsWith(`${opened.id}:customer:`));
    value = await h.reload(opened);
    expect(value.signOffs).toEqual([
      expect.objectContaining({
        party: "customer",
        by: expect.objectContaining({ userId: guest.id, teamId: "TACME" }),
      }),
    ]);
    expect(
      messageText(h.web.callsOf("chat.update", (a) => a.ts === value.signOffMessage!.messageId)[0].args),
    ).toContain(guest.id);

    // `@Offboard export` uploads the JSON and Markdown files into the case thread (files.uploadV2).
    h.web.clear();
    await h.act(h.slack.mention(guest, channel, "export", thread.messageId));
    expect(h.web.callsOf("files.getUploadURLExternal").map((c) => c.args.filename)).toEqual([
      `${opened.id}.json`,
      `${opened.id}.md`,
    ]);
    expect(h.web.callsOf("upload")).toHaveLength(2);
    expect(h.web.callsOf("files.completeUploadExternal").map((c) => [c.args.channel_id, c.args.thread_ts])).toEqual([
      [channel, thread.messageId],
      [channel, thread.messageId],
    ]);

    // A thread reply from someone who is neither approver nor partner changes nothing and is told so, privately.
    await h.act(h.slack.mention(guest, channel, "edit target date", thread.messageId));
    h.web.clear();
    await h.act(h.slack.reply(people.bystander, channel, thread.messageId, "2031-01-01"));
    expect((await h.reload(opened)).ticket.answers.targetDate).toBe(validTicketAnswers().targetDate);
    expect(h.ephemeralsTo(people.bystander.id)).toEqual([
      expect.stringMatching(/only the customer's approvers or a partner member/i),
    ]);
  });
});

describe("a case started in one of the partner's own channels", () => {
  it("offers a dedicated channel and creates it shared with the customer's approvers", async () => {
    const home = "CPARTNERONLY";
    h.web.channels.set(home, { id: home, is_ext_shared: false, is_shared: false, is_member: false });
    h.web.users.set("UJANE", { id: "UJANE", team_id: "TACME", email: "jane@acme.example", real_name: "Jane Doe" });

    await h.act(h.slack.command(people.partner, home, "start"));
    const opened = await h.caseIn(home);
    expect(opened.locations[0]).toMatchObject({ channelId: home, shared: false });
    expect(h.web.callsOf("conversations.join", (a) => a.channel === home)).toHaveLength(1);

    await h.answerTicket(
      people.partner,
      opened.id,
      validTicketAnswers({ customerApprovers: "jane@acme.example" }),
      (f) => f === "customerName" || f === "customerApprovers",
    );
    const name = `offboard-acme-corp-${caseNumber(opened.id)}`;
    const offer = h.findButton("channel.create");
    expect(offer.label).toBe(`Create #${name}`);

    h.web.clear();
    await h.act(h.slack.press(people.partner, offer));
    const created = h.web.callsOf("conversations.create");
    expect(created.map((c) => c.args.name)).toEqual([name]);
    const newChannel = String((created[0].result!.channel as { id: string }).id);
    expect(h.web.callsOf("conversations.invite")[0].args).toMatchObject({
      channel: newChannel,
      users: people.partner.id,
    });
    const shared = h.web.callsOf("conversations.inviteShared");
    expect(shared.map((c) => c.args)).toEqual([
      expect.objectContaining({ channel: newChannel, emails: ["jane@acme.example"], external_limited: "false" }),
    ]);

    let value = await h.reload(opened);
    expect(value.locations[0]).toMatchObject({ channelId: newChannel, shared: true });
    expect(value.caseMessage!.channelId).toBe(newChannel);
    const question = h.web.callsOf(
      "chat.postMessage",
      (a) => a.channel === newChannel && a.thread_ts === value.caseMessage!.messageId,
    );
    expect(messageText(question[0].args)).toContain(fieldByKey("goal")!.question);

    // Someone whose profile shows Jane's address but who never confirmed owning it is not bound by it.
    h.web.users.set("UFAKE", {
      id: "UFAKE",
      team_id: "TACME",
      email: "jane@acme.example",
      email_confirmed: false,
      real_name: "Not Jane",
    });
    await h.act(h.slack.memberJoined("UFAKE", "TACME", newChannel));
    expect((await h.reload(value)).members.customer.map((m) => m.userId)).toEqual(["email:jane@acme.example"]);

    // Jane accepts the invitation and joins: her e-mail binds her to the approver named by address.
    await h.act(h.slack.memberJoined("UJANE", "TACME", newChannel));
    value = await h.reload(value);
    expect(value.members.customer).toEqual([
      expect.objectContaining({ userId: "UJANE", teamId: "TACME", email: "jane@acme.example" }),
    ]);
    expect(await h.auditActions(value.id)).toEqual(
      expect.arrayContaining(["channel.created", "party.customer_joined"]),
    );

    const jane: SlackTestUser = { id: "UJANE", teamId: "TACME", name: "jane" };
    await h.act(h.slack.reply(jane, newChannel, value.caseMessage!.messageId, "Take the accounts over ourselves."));
    expect((await h.reload(value)).ticket.answers.goal).toBe("Take the accounts over ourselves.");
  });
});

describe("a channel the bot cannot reach", () => {
  it("opens no case in a private channel it was not invited to, and says how to invite it", async () => {
    h.web.channels.set("GPRIVATE1", {
      id: "GPRIVATE1",
      is_private: true,
      is_member: false,
      is_ext_shared: true,
      is_shared: true,
    });
    const answer = await h.act(h.slack.command(people.partner, "GPRIVATE1", "start"));
    expect(answer.status).toBe(200);
    expect(await h.cases.findByLocation({ platform: "slack", channelId: "GPRIVATE1" })).toBeUndefined();
    expect(h.web.callsOf("chat.postMessage")).toEqual([]);
    // The slash command's response_url reaches the person even where the bot is not a member.
    expect(h.web.callsOf("response_url")).toEqual([
      expect.objectContaining({
        args: expect.objectContaining({
          response_type: "ephemeral",
          text: expect.stringMatching(/invite it with `\/invite @Offboard`/),
        }),
      }),
    ]);
  });

  it("tells the person privately when Slack refuses a post, and keeps what was recorded", async () => {
    h.web.channels.set("CSTATUS1", { id: "CSTATUS1", is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.partner, "CSTATUS1", "start"));
    h.web.clear();
    h.web.failNext("chat.postEphemeral", "not_in_channel");
    await h.act(h.slack.command(people.partner, "CSTATUS1", "status"));
    expect(h.web.callsOf("response_url").map((c) => c.args.text)).toEqual([
      expect.stringMatching(/not in this channel yet/),
    ]);
    expect((await h.caseIn("CSTATUS1")).status).toBe("collecting");
  });
});
