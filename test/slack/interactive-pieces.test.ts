import { attentionOf, planOf, seedPlannedCase } from "../support/plan-fixture";
import {
  isoDaysFromNow,
  people,
  startSlackHarness,
  validTicketAnswers,
  type SlackHarness,
} from "../support/slack-harness";

/**
 * The interactive pieces through the real Slack stack (signed requests into Bolt, the Web API calls it makes): the
 * date picker of the target-date question, the plan's Details modal, the approval modal opened only after the press
 * was checked, and the App Home.
 */
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ label: "slack-interactive", partnerUsers: [people.partner.id] });
  for (const person of Object.values(people))
    h.web.users.set(person.id, { id: person.id, team_id: person.teamId, real_name: person.name });
});
afterAll(async () => h.close());

type SlackBlock = { type: string; block_id?: string; elements?: Record<string, unknown>[] };

/** The latest posted message carrying a date picker, and the picker's block and element. */
function latestDatePicker() {
  for (const call of [...h.web.callsOf("chat.postMessage")].reverse()) {
    const block = ((call.args.blocks as SlackBlock[] | undefined) ?? []).find((b) =>
      b.elements?.some((e) => e.type === "datepicker"),
    );
    if (block)
      return {
        channelId: String(call.args.channel),
        messageTs: String(call.result?.ts),
        threadTs: call.args.thread_ts as string | undefined,
        blockId: block.block_id!,
        element: block.elements!.find((e) => e.type === "datepicker")!,
      };
  }
  throw new Error("no message carries a date picker");
}

let seeded = 0;
async function plannedCase(accounts: number) {
  seeded += 1;
  const channelId = `CINTER${seeded}`;
  const plan = planOf(accounts);
  const value = await seedPlannedCase(h.cases, {
    id: `OFB-2026-${String(7000 + seeded)}`,
    channel: { platform: "slack", channelId, teamId: "TPARTNER" },
    caseMessageId: `1770000100.00000${seeded}`,
    plan,
    customer: [{ platform: "slack", userId: people.customer.id, teamId: people.customer.teamId }],
    by: { platform: "slack", userId: people.partner.id, teamId: "TPARTNER" },
  });
  return { value, plan, channelId };
}

describe("the target date's date picker", () => {
  it("answers the question with the picked day exactly as if typed: same echo, same audit; typed dates still work", async () => {
    const channel = "CPICK1";
    h.web.channels.set(channel, { id: channel, is_ext_shared: true, is_shared: true });
    await h.act(h.slack.command(people.customer, channel, "start"));
    const { id } = await h.caseIn(channel);
    await h.answerTicket(people.customer, id, validTicketAnswers(), (f) => f !== "targetDate");

    const picker = latestDatePicker();
    expect(picker.blockId).toBe(`datepicker:${id}:targetDate`);
    expect(picker.element).toMatchObject({ type: "datepicker", action_id: "ticket.date#0" });

    // A day in the past is refused as a typed one would be, and the question is asked again.
    h.web.clear();
    await h.act(h.slack.pickDate(people.customer, { ...picker, actionId: "ticket.date#0", day: "2020-01-01" }));
    expect((await h.caseIn(channel)).ticket.answers.targetDate).toBeUndefined();
    expect(h.web.postedTexts("chat.postMessage").join("\n")).toMatch(/That answer was not accepted/);

    const day = isoDaysFromNow(45);
    const again = latestDatePicker();
    h.web.clear();
    await h.act(h.slack.pickDate(people.customer, { ...again, actionId: "ticket.date#0", day }));
    const value = await h.caseIn(channel);
    expect(value.ticket.answers.targetDate).toBe(day);
    expect(h.web.postedTexts("chat.postMessage").join("\n")).toMatch(/✔ Target date: \w{3} \d{1,2} \w{3} \d{4}/);
    const answered = (await h.audit.read(id)).filter((e) => e.action === "ticket.answered");
    expect(answered.at(-1)?.payload).toEqual({ field: "targetDate" });

    // A bystander's pick is refused like a bystander's typed answer.
    await h.act(h.slack.command(people.customer, channel, "edit date"));
    const reopened = latestDatePicker();
    // Asked again, the picker shows the day answered before.
    expect(reopened.element.initial_date).toBe(day);
    h.web.clear();
    await h.act(h.slack.pickDate(people.bystander, { ...reopened, actionId: "ticket.date#0", day }));
    expect(h.ephemeralsTo(people.bystander.id).join("\n")).toMatch(
      /only the customer's approvers or a partner member/i,
    );

    // Typed, the date still answers.
    const typed = isoDaysFromNow(60);
    const thread = (await h.caseIn(channel)).caseMessage!;
    await h.act(h.slack.reply(people.customer, thread.channelId, thread.messageId, typed));
    expect((await h.caseIn(channel)).ticket.answers.targetDate).toBe(typed);
  });
});

describe("the plan's Details", () => {
  it("opens a modal within 100 blocks at 200 accounts, naming every account that needs attention", async () => {
    const { value, plan, channelId } = await plannedCase(200);
    h.web.clear();
    await h.act(
      h.slack.press(people.bystander, {
        actionId: "plan.details#0",
        value: value.id,
        channelId,
        messageTs: "1770000200.000001",
        threadTs: value.caseMessage!.messageId,
      }),
    );
    const opened = h.web.callsOf("views.open");
    expect(opened).toHaveLength(1);
    const view = opened[0].args.view as { type: string; title: { text: string }; blocks: SlackBlock[] };
    expect(view.type).toBe("modal");
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const shown = JSON.stringify(view.blocks);
    const attention = attentionOf(plan);
    expect(attention.length).toBeGreaterThan(10);
    for (const account of attention) expect(shown).toContain(`*${account.accountId}*`);
    // Artifact names are there, and the rest is counted, not silently cut.
    expect(shown).toContain("CTL-Role-0");
    expect(shown).toMatch(/and \d+ more account\(s\), ready, without warnings/);
    expect(shown).not.toContain("more block(s) not shown");
  });

  it("is on the plan message as a button", async () => {
    const { value } = await plannedCase(4);
    h.web.clear();
    await h.act(h.slack.mention(people.partner, value.locations[0].channelId, "plan", value.caseMessage!.messageId));
    const posted = h.web.callsOf("chat.postEphemeral").map((c) => JSON.stringify(c.args.blocks));
    expect(posted.join("\n")).toContain('"action_id":"plan.details#0"');
  });
});

describe("an approval press", () => {
  it("opens the approval modal only after the check, with the plan summary; its submit is the sign-off", async () => {
    const { value, channelId } = await plannedCase(30);
    await h.act(h.slack.mention(people.partner, channelId, "approve", value.caseMessage!.messageId));
    h.web.clear();
    // Refused: the partner may not approve for the customer. No modal, and the refusal names who may.
    await h.press(people.partner, "signoff.approve", (v) => v.startsWith(`${value.id}:customer:`));
    expect(h.web.callsOf("views.open")).toEqual([]);
    expect(h.ephemeralsTo(people.partner.id).join("\n")).toMatch(
      new RegExp(
        `only a customer approver can approve for the customer in case ${value.id}: <@${people.customer.id}`,
        "i",
      ),
    );

    h.web.clear();
    await h.press(people.customer, "signoff.approve", (v) => v.startsWith(`${value.id}:customer:`));
    const [opened] = h.web.callsOf("views.open");
    const view = opened.args.view as { callback_id: string; submit: { text: string }; blocks: SlackBlock[] };
    expect(view.callback_id).toBe("offboard.approval");
    expect(view.submit.text).toBe("Approve");
    const shown = JSON.stringify(view.blocks);
    expect(shown).toContain("You approve offboarding *Acme Corp*");
    expect(shown).toMatch(/plan v1 · 30 accounts · 300 partner artifacts to remove · 2 blocked/);
    expect(shown).toContain("*200000000003*");
    expect((await h.reload(value)).signOffs).toEqual([]);

    await h.act(h.slack.submit(people.customer, view as unknown as Record<string, unknown>, {}));
    expect((await h.reload(value)).signOffs.map((s) => s.party)).toEqual(["customer"]);
    const outcome = h.web.callsOf("views.update").map((c) => JSON.stringify(c.args.view));
    expect(outcome.join("\n")).toContain("Approved for Customer");
  });
});

describe("the App Home", () => {
  it("lists each person's open cases with what they are awaited for, linked to the case thread", async () => {
    const { value } = await plannedCase(3);
    const open = (user: typeof people.customer) =>
      h.act(
        h.slack.event({ type: "app_home_opened", user: user.id, channel: `D${user.id}`, tab: "home", event_ts: "1" }),
      );

    h.web.clear();
    await open(people.customer);
    const [published] = h.web.callsOf("views.publish");
    expect(published.args.user_id).toBe(people.customer.id);
    const home = published.args.view as { type: string; blocks: SlackBlock[] };
    expect(home.type).toBe("home");
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const shown = JSON.stringify(home.blocks);
    expect(shown).toContain(value.id);
    expect(shown).toContain("your sign-off for *Customer*");
    expect(shown).not.toContain("your sign-off for *Partner*");
    expect(shown).toContain(`https://partner.slack.example/archives/${value.locations[0].channelId}/p`);
    expect(h.web.callsOf("chat.getPermalink").some((c) => c.args.message_ts === value.caseMessage!.messageId)).toBe(
      true,
    );

    h.web.clear();
    await open(people.partner);
    const partnerHome = JSON.stringify(h.web.callsOf("views.publish")[0].args.view);
    expect(partnerHome).toContain("your sign-off for *Partner*");
    expect(partnerHome).not.toContain("your sign-off for *Customer*");

    // Someone with no part in any case sees none of them.
    h.web.clear();
    await open(people.bystander);
    const nobody = JSON.stringify(h.web.callsOf("views.publish")[0].args.view);
    expect(nobody).toContain("No open case of yours");
    expect(nobody).not.toContain(value.id);
  });
});
