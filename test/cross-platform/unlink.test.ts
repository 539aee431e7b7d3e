import type { Case } from "../../src/case";
import type { TeamsPerson } from "../support/teams-stack";
import { testRedis } from "../support/redis";
import {
  bystander,
  customer,
  eventually,
  partner,
  slackChannel,
  SlackSide,
  linkFromSlack,
  startSlackCase,
  startTwoPlatforms,
  teamsChannel,
  TeamsSide,
  type TwoPlatforms,
} from "./two-platforms";

/**
 * `unlink`: a conversation joined to a case (by mistake, or no longer wanted) stops following it. The partner opens a
 * case in Slack, the customer's Teams channel joins it; a bystander in Teams may not unlink it; the partner unlinks it
 * from Slack: the Teams channel's case card loses its buttons and says so, its words no longer reach the case, the
 * Slack thread is told, and the channel may join again. A partner member on Teams unlinks from the Teams side.
 */
let two: TwoPlatforms;
let slack: SlackSide;
let teams: TeamsSide;
const { cleanup } = testRedis("cross-platform-unlink");
let threadTs: string;
const teamsPartner: TeamsPerson = { aad: "aad-pat", name: "Pat on Teams", tenant: "tenant-partner" };

beforeAll(async () => {
  two = await startTwoPlatforms();
  slack = new SlackSide(two.web);
  teams = new TeamsSide(two.connector);
  threadTs = await startSlackCase(two);
}, 60_000);
afterAll(async () => {
  await two?.close();
  await cleanup();
}, 60_000);

/** A fresh code from the partner in Slack, and the customer's Teams channel joined with it; the joined home. */
async function joinTeams(): Promise<NonNullable<Case["homes"]>[number]> {
  const { code } = await linkFromSlack(two, slack, threadTs);
  await two.teamsSay(customer, `<at>Offboard</at> join ${code}`);
  const value = await two.caseOf();
  expect(value.homes).toHaveLength(1);
  return value.homes![0];
}

describe("unlink", () => {
  it("is refused to someone in the joined channel who is no partner member, and the channel stays", async () => {
    const home = await joinTeams();
    await two.teamsSay(bystander, "<at>Offboard</at> unlink", { threadId: home.caseMessage!.messageId });
    const value = await two.caseOf();
    expect(value.homes).toHaveLength(1);
    const denied = (await two.deps.audit.read(value.id)).filter((e) => e.action === "unlink.denied");
    expect(denied.map((e) => e.actor)).toEqual([`teams:${bystander.aad}@${bystander.tenant}`]);
  }, 30_000);

  it("from the case's own conversation stops every joined one following the case, and says so in both", async () => {
    const home = (await two.caseOf()).homes![0];
    const teamsThread = { platform: "teams" as const, channelId: teamsChannel, threadId: home.caseMessage!.messageId };
    await two.slack.mention(partner, slackChannel, "unlink", threadTs);
    const value = await eventually(
      () => two.caseOf(),
      (c) => (c.homes ?? []).length === 0,
      "the home removed",
    );

    // The Teams card loses its buttons and says why; a last note in its thread.
    const card = teams.updatesOf(home.caseMessage!.messageId).at(-1)!;
    expect(teams.actions(card)).toEqual([]);
    expect(
      teams
        .thread(teamsThread)
        .map((p) => p.text)
        .join("\n"),
    ).toMatch(new RegExp(`${value.id} is no longer followed in this conversation`));
    await eventually(
      () => slack.thread(threadTs).map((p) => p.text),
      (t) => t.some((x) => x.includes(`${value.id} is no longer followed in one conversation it had joined`)),
      "the note in Slack",
    );
    // Its words no longer reach the case: the open question is not answered from there, even by a partner member.
    expect(await two.deps.cases.findByLocation(teamsThread)).toBeUndefined();
    expect(await two.deps.cases.findByLocation({ platform: "teams", channelId: teamsChannel })).toBeUndefined();
    await two.teamsSay(teamsPartner, "Acme Corp", { threadId: teamsThread.threadId });
    expect((await two.caseOf()).customerName).toBeUndefined();
    const left = (await two.deps.audit.read(value.id)).filter((e) => e.action === "home.left");
    expect(left.map((e) => [e.actor, e.where, e.payload])).toEqual([
      [`slack:${partner.id}@${partner.teamId}`, `slack:${slackChannel}/${threadTs}`, { home: `teams:${teamsChannel}` }],
    ]);
  }, 30_000);

  it("lets the channel join again, and a partner member on Teams unlink it from there", async () => {
    const home = await joinTeams();
    await two.teamsSay(teamsPartner, "<at>Offboard</at> unlink", { threadId: home.caseMessage!.messageId });
    await eventually(
      () => two.caseOf(),
      (c) => (c.homes ?? []).length === 0,
      "the home removed from Teams",
    );
    const value = await two.caseOf();
    const left = (await two.deps.audit.read(value.id)).filter((e) => e.action === "home.left");
    expect(left.at(-1)?.actor).toBe(`teams:${teamsPartner.aad}@${teamsPartner.tenant}`);
    // In the case's own conversation with nothing joined, there is nothing to unlink: said, not refused.
    await two.slack.mention(partner, slackChannel, "unlink", threadTs);
    await eventually(
      () => slack.ephemeral(partner.id),
      (n) => n.some((t) => t.includes("there is no joined conversation to unlink")),
      "the answer",
    );
  }, 30_000);
});
