import { people, startSlackHarness, validTicketAnswers, type SlackHarness } from "../support/slack-harness";
import { slackSignature } from "../support/slack-requests";

/**
 * What must change nothing: forged and replayed requests (Bolt's signature check answers 401), Slack's
 * retries and double clicks (done once), a press outside one's party, one person on two parties, and
 * a sign-off button left behind by an edit.
 */
let h: SlackHarness;
let channelCount = 0;

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-guard", partnerUsers: [people.partner.id] });
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => h.web.clear());

/** A case in a fresh shared channel, its ticket answered, waiting for sign-offs, with the AWS approver named. */
async function caseAwaitingSignOff(approvers = `<@${people.customer.id}>`): Promise<string> {
  channelCount += 1;
  const channel = `CGUARD${channelCount}`;
  h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
  await h.act(h.slack.command(people.partner, channel, "start"));
  const { id } = await h.caseIn(channel);
  const answers = validTicketAnswers({ customerApprovers: approvers });
  await h.answerTicket(people.partner, id, answers, (f) => f === "customerName" || f === "customerApprovers");
  await h.answerTicket(people.customer, id, answers);
  await h.act(h.slack.command(people.partner, channel, `assign aws <@${people.aws.id}>`));
  expect((await h.cases.get(id))!.status).toBe("awaiting_signoff");
  return id;
}

describe("requests Slack did not sign", () => {
  it("answers a forged signature with 401 and changes nothing", async () => {
    const forged = await h.slack.command(people.partner, "CFORGED", "start", { signature: `v0=${"0".repeat(64)}` });
    expect(forged.status).toBe(401);
    const wrongSecret = h.slack.commandBody(people.partner, "CFORGED", "start");
    const now = Math.floor(Date.now() / 1000);
    const signedWithOtherSecret = await h.slack.send(wrongSecret, "application/x-www-form-urlencoded", {
      timestamp: now,
      signature: slackSignature("not-the-signing-secret", now, wrongSecret),
    });
    expect(signedWithOtherSecret.status).toBe(401);
    await h.settle();
    expect(await h.cases.findByLocation({ platform: "slack", channelId: "CFORGED" })).toBeUndefined();
    expect(h.web.calls).toEqual([]);
  });

  it("answers a replayed request (signed 10 minutes ago) with 401 and changes nothing", async () => {
    const replayed = await h.slack.command(people.partner, "CREPLAY", "start", {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(replayed.status).toBe(401);
    await h.settle();
    expect(await h.cases.findByLocation({ platform: "slack", channelId: "CREPLAY" })).toBeUndefined();
    expect(h.web.calls).toEqual([]);
  });
});

describe("repeats", () => {
  it("records a Slack retry of the same event once", async () => {
    channelCount += 1;
    const channel = `CRETRY${channelCount}`;
    h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.partner, channel, "start"));
    const opened = await h.caseIn(channel);
    const body = h.slack.eventBody(
      h.slack.messageEvent(people.partner, channel, "Acme Corp", opened.caseMessage!.messageId),
      "EvRETRY0001",
    );
    h.web.clear();

    const first = await h.act(h.slack.send(body, "application/json"));
    const retry = await h.act(h.slack.send(body, "application/json", { retryNum: 1 }));
    expect([first.status, retry.status]).toEqual([200, 200]);

    const actions = await h.auditActions(opened.id);
    expect(actions.filter((a) => a === "ticket.answered")).toHaveLength(1);
    expect(h.web.callsOf("chat.postMessage")).toHaveLength(1);
    expect((await h.reload(opened)).ticket.answers.customerName).toBe("Acme Corp");
  });

  it("records a double click on a sign-off button once: two approval modals, one sign-off", async () => {
    const id = await caseAwaitingSignOff();
    const button = h.findButton("signoff.approve", (v) => v.startsWith(`${id}:customer:`));
    h.web.clear();
    const [a, b] = await Promise.all([h.slack.press(people.customer, button), h.slack.press(people.customer, button)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await h.settle();
    // Slack redelivering one press (same action_ts) is ignored silently: no third modal.
    await h.act(h.slack.press(people.customer, { ...button, actionTs: "1770000000.999999" }));
    await h.act(h.slack.press(people.customer, { ...button, actionTs: "1770000000.999999" }));
    const modals = h.web.callsOf("views.open");
    expect(modals).toHaveLength(3);
    expect(modals.map((m) => (m.args.view as { callback_id: string }).callback_id)).toEqual(
      Array(3).fill("offboard.approval"),
    );

    // Both modals submitted at once: one sign-off; the other modal says it was approved already.
    const submitted = await Promise.all(
      modals.slice(0, 2).map((m) => h.slack.submit(people.customer, m.args.view as Record<string, unknown>, {})),
    );
    expect(submitted.map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    const value = (await h.cases.get(id))!;
    expect(value.signOffs.map((s) => s.party)).toEqual(["customer"]);
    expect((await h.auditActions(id)).filter((x) => x === "signoff.recorded")).toHaveLength(1);
    const outcomes = h.web.callsOf("views.update").map((c) => JSON.stringify(c.args.view));
    expect(outcomes.filter((t) => t.includes("Approved for Customer"))).toHaveLength(1);
    expect(outcomes.filter((t) => /already approved/.test(t))).toHaveLength(1);
  });
});

describe("sign-off refusals", () => {
  it("refuses a customer pressing the partner button, privately, with a denied audit event", async () => {
    const id = await caseAwaitingSignOff();
    const button = h.findButton("signoff.approve", (v) => v.startsWith(`${id}:partner:`));
    h.web.clear();
    const answer = await h.act(h.slack.press(people.customer, button));
    expect(answer.status).toBe(200);

    const value = (await h.cases.get(id))!;
    expect(value.signOffs).toEqual([]);
    const notes = h.ephemeralsTo(people.customer.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/only a partner member can approve for the partner/i);
    const events = await h.audit.read(id);
    const denied = events.filter((e) => e.action === "signoff.denied");
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ party: "partner", actor: `slack:${people.customer.id}@TACME` });
    // No approval modal, and nothing public: no post, no update of the sign-off message.
    expect(h.web.callsOf("views.open")).toEqual([]);
    expect(h.web.callsOf("chat.postMessage")).toEqual([]);
    expect(h.web.callsOf("chat.update")).toEqual([]);
  });

  it("lets one person approve for one party only: the partner's press on the customer button is refused", async () => {
    const id = await caseAwaitingSignOff();
    await h.approve(people.partner, (v) => v.startsWith(`${id}:partner:`));
    const customerButton = h.findButton("signoff.approve", (v) => v.startsWith(`${id}:customer:`));
    h.web.clear();
    await h.act(h.slack.press(people.partner, customerButton));

    const value = (await h.cases.get(id))!;
    expect(value.signOffs.map((s) => [s.party, s.by.userId])).toEqual([["partner", people.partner.id]]);
    expect(h.ephemeralsTo(people.partner.id)).toEqual([
      expect.stringMatching(/only a customer approver can approve for the customer/i),
    ]);
  });

  it("refuses a sign-off button from before an edit of the ticket", async () => {
    const id = await caseAwaitingSignOff();
    const stale = h.findButton("signoff.approve", (v) => v.startsWith(`${id}:customer:`));
    await h.approve(people.customer, (v) => v === stale.value);
    expect((await h.cases.get(id))!.signOffs).toHaveLength(1);

    // `@Offboard edit goal` inside the case thread is a command; the edit voids the sign-off.
    const thread = (await h.cases.get(id))!.caseMessage!;
    await h.act(h.slack.mention(people.customer, thread.channelId, "edit goal", thread.messageId));
    let value = (await h.cases.get(id))!;
    expect(value.status).toBe("collecting");
    expect(value.signOffs).toEqual([]);
    await h.act(
      h.slack.reply(
        people.customer,
        thread.channelId,
        thread.messageId,
        "We leave the partner at the end of the quarter.",
      ),
    );
    value = (await h.cases.get(id))!;
    expect(value.status).toBe("awaiting_signoff");
    expect(h.findButton("signoff.approve", (v) => v.startsWith(`${id}:customer:`)).value).not.toBe(stale.value);

    h.web.clear();
    await h.act(h.slack.press(people.customer, { ...stale, actionTs: "1770000001.000001" }));
    value = (await h.cases.get(id))!;
    expect(value.signOffs).toEqual([]);
    expect(h.ephemeralsTo(people.customer.id)).toEqual([expect.stringMatching(/older version/)]);
    expect(h.web.callsOf("views.open")).toEqual([]);
    expect((await h.auditActions(id)).filter((x) => x === "signoff.recorded")).toHaveLength(1);
    expect(await h.auditActions(id)).toContain("signoff.voided");
  });
});
