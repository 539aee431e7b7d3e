import { people, startSlackHarness, validTicketAnswers, type SlackHarness } from "../support/slack-harness";

/**
 * Through the real Slack stack (signed requests into Bolt, the Web API calls it makes): approvers asked by direct
 * message when sign-off opens and on `assign aws`, choices as buttons on the question, and a refused press that names
 * who may approve.
 */
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ label: "ux-slack", partnerUsers: [people.partner.id] });
});
afterAll(async () => h.close());

const dmTo = (userId: string) => `D${userId.replace(/^U/, "")}`;

describe("on Slack", () => {
  it("asks the customer approver when sign-off opens and the AWS approver when named, each with their button", async () => {
    const channel = "CUXSLACK1";
    h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.partner, channel, "start"));
    const { id } = await h.caseIn(channel);
    const answers = validTicketAnswers({ customerApprovers: `<@${people.customer.id}>` });
    await h.answerTicket(people.partner, id, answers, (f) => f === "customerName" || f === "customerApprovers");
    await h.answerTicket(people.customer, id, answers);
    // Choice and yes/no questions come with their options as buttons, and say where they stand.
    const withButtons = h.web.callsOf("chat.postMessage", (a) =>
      JSON.stringify(a.blocks ?? []).includes("ticket.choice#"),
    );
    expect(withButtons.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(withButtons.map((c) => c.args.blocks))).toMatch(/Question \d+ of \d+/);

    expect(h.web.callsOf("conversations.open", (a) => a.users === people.customer.id)).toHaveLength(1);
    const customerDm = h.web.callsOf("chat.postMessage", (a) => a.channel === dmTo(people.customer.id));
    expect(customerDm).toHaveLength(1);
    expect(String(customerDm[0].args.text)).toMatch(/Your sign-off for Customer is needed/);
    expect(JSON.stringify(customerDm[0].args.blocks)).toContain(`"value":"${id}:customer:`);

    await h.act(h.slack.command(people.partner, channel, `assign aws <@${people.aws.id}>`));
    const awsDm = h.web.callsOf("chat.postMessage", (a) => a.channel === dmTo(people.aws.id));
    expect(awsDm).toHaveLength(1);
    expect(JSON.stringify(awsDm[0].args.blocks)).toContain(`"value":"${id}:aws:`);
    // The sign-off card names who each party waits on.
    expect(h.web.postedTexts().join("\n")).toContain(`waiting on <@${people.aws.id}`);

    // The customer's press from the partner's button is refused, naming who may approve.
    h.web.clear();
    await h.approve(people.customer, (v) => v.startsWith(`${id}:partner:`));
    const refusal = h.ephemeralsTo(people.customer.id).join("\n");
    expect(refusal).toMatch(/only a partner member can approve for the partner/i);
    expect(refusal).toMatch(/in case OFB-\d{4}-\d{4}: /);
  });
});
