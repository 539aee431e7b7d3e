import { cardOf, cardText } from "../support/bot-connector";
import type { TeamsPerson } from "../support/teams-stack";
import {
  customer,
  eventually,
  partner,
  slackChannel,
  SlackSide,
  startLinkedCase,
  startTwoPlatforms,
  teamsChannel,
  TeamsSide,
  type TwoPlatforms,
} from "./two-platforms";

/**
 * People as each platform shows them in a case with a Slack and a Teams home: someone typed by ids or configured as a
 * partner approver is shown as a person of their platform ("a Teams user (…very)") until someone names them, and
 * takes the name their platform gives the next time they act, escaped as the words of theirs it is. The rendered
 * payloads the fake Slack Web API and the fake Bot Connector received.
 */
const zwsp = "\u200b";
// Avery's Teams display name tries formatting, a link and a channel ping: her words, shown as written.
const avery: TeamsPerson = {
  aad: "aad-avery",
  name: "*Avery* [win](https://evil.example) <!here>",
  tenant: "tenant-aws",
};
// The partner's approver configured for Teams (OFFBOARD_PARTNER_TEAMS_USERS=aad-pat in startTwoPlatforms).
const teamsPartner: TeamsPerson = { aad: "aad-pat", name: "Pat Teams", tenant: "tenant-partner" };

let two: TwoPlatforms;
let slack: SlackSide;
let teams: TeamsSide;
let threadTs: string;
let teamsThreadId: string;

beforeAll(async () => {
  two = await startTwoPlatforms();
  slack = new SlackSide(two.web);
  teams = new TeamsSide(two.connector);
  ({ threadTs, teamsThreadId } = await startLinkedCase(two, slack));
  await slackSay(`assign aws teams:${avery.aad}@${avery.tenant}`);
  await eventually(
    () => two.caseOf(),
    (c) => c.members.aws.length === 1,
    "the AWS approver",
  );
}, 60_000);
afterAll(async () => two?.close(), 60_000);

async function slackSay(words: string): Promise<void> {
  expect((await two.slack.mention(partner, slackChannel, words, threadTs)).status).toBe(200);
}

/** The case card as `status` shows it now: to the partner in Slack (ephemeral), to Cora in Teams (her 1:1 chat). */
async function cardsNow(): Promise<{ slack: string; teams: string }> {
  const slackBefore = slack.ephemeral(partner.id).length;
  await slackSay("status");
  const [slackCard] = await eventually(
    () => slack.ephemeral(partner.id).slice(slackBefore),
    (n) => n.length > 0,
    "the case card in Slack",
  );
  const teamsBefore = teams.direct(customer).length;
  await two.teamsSay(customer, "<at>Offboard</at> status", { threadId: teamsThreadId });
  const teamsCard = teams.direct(customer).slice(teamsBefore).at(-1);
  return { slack: slackCard, teams: cardText(cardOf(teamsCard)) };
}

describe("people no one has named yet, and their names once they act", () => {
  it("shows someone typed by ids as a person of their platform, in both homes", async () => {
    const said = "will approve for AWS.";
    const inSlack = slack.thread(threadTs).find((p) => p.text.includes(said))!;
    expect(inSlack.text).toContain(`a Teams user (…very) ${said}`);
    const inTeams = teams.thread({ platform: "teams", channelId: teamsChannel, threadId: teamsThreadId });
    expect(inTeams.find((p) => p.text.includes(said))?.text).toContain(`a Teams user (…very) ${said}`);
  });

  it("names the configured partner approvers as the case saw them act, else by platform", async () => {
    const cards = await cardsNow();
    // The Slack partner started the case: Teams shows his Slack name; the Teams approver never acted yet.
    expect(cards.teams).toMatch(/Partner: the partner: @pat\.partner, a Teams user \(…-pat\)/);
    expect(cards.slack).toContain(`<@${partner.id}|pat.partner>, a Teams user (…-pat)`);
    for (const card of [cards.slack, cards.teams]) expect(card).not.toMatch(/@user |someone not on Slack/);
    expect(cards.slack).toContain("*AWS approver*\na Teams user (…very)");
    expect(cards.teams).toContain("AWS approver: a Teams user (…very)");
  }, 30_000);

  it("takes the name the platform gives when the person acts, escaped in Slack's and Teams' form", async () => {
    await two.teamsSay(avery, "<at>Offboard</at> status", { threadId: teamsThreadId });
    // The Teams partner approver says something in the channel: Teams gives the bot his name with it.
    await two.teamsSay(teamsPartner, "morning all");
    expect((await two.caseOf()).members.aws).toEqual([
      { platform: "teams", userId: avery.aad, teamId: avery.tenant, name: avery.name },
    ]);
    const cards = await cardsNow();
    // A `>` would end the mention token that carries the name: it is left out, so "<!here" is all that remains of it.
    expect(cards.slack).toContain(
      `*AWS approver*\n@${zwsp}*${zwsp}Avery${zwsp}*${zwsp} [win](https://evil.example) &lt;!here\n`,
    );
    expect(cards.slack).not.toContain("<!here");
    expect(cards.teams).toContain("AWS approver: @\\*Avery\\* \\[win\\](https://evil.example) <!here\n");
    expect(cards.slack).toContain(`<@${partner.id}|pat.partner>, @Pat Teams`);
    expect(cards.teams).toMatch(/Partner: the partner: @pat\.partner, @Pat Teams/);
  }, 30_000);

  it("keeps the learned name out of the audit trail: the actor is platform, id and organization", async () => {
    const events = await two.deps.audit.read((await two.caseOf()).id);
    expect(JSON.stringify(events)).not.toContain("Avery");
  });
});
