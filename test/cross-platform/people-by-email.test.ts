import type { TeamsPerson } from "../support/teams-stack";
import {
  eventually,
  partner,
  slackChannel,
  SlackSide,
  startLinkedCase,
  startTwoPlatforms,
  teamsChannel,
  type TwoPlatforms,
} from "./two-platforms";

/**
 * The AWS approver named by e-mail in Slack and recognised in Teams, through the production composition root (the
 * Teams adapter's connector look-up wired into the core): the partner types the address in the Slack thread, the
 * person with that address in their Teams directory speaks in the Teams home, and the case binds them.
 */
const jo: TeamsPerson = { aad: "aad-jo", name: "Jo Kim", tenant: "tenant-aws", email: "jo.kim@aws.example" };
const sam: TeamsPerson = { aad: "aad-sam", name: "Sam", tenant: "tenant-aws", email: "sam@aws.example" };

let two: TwoPlatforms;
let threadTs: string;
let teamsThreadId: string;

beforeAll(async () => {
  two = await startTwoPlatforms();
  const slack = new SlackSide(two.web);
  for (const p of [jo, sam])
    two.connector.members.set(`29:${p.aad}`, {
      id: `29:${p.aad}`,
      name: p.name,
      aadObjectId: p.aad,
      tenantId: p.tenant,
      email: p.email,
      userPrincipalName: p.email,
    });
  ({ threadTs, teamsThreadId } = await startLinkedCase(two, slack));
  await two.slack.mention(partner, slackChannel, `assign aws ${jo.email}`, threadTs);
  await eventually(
    () => two.caseOf(),
    (c) => c.members.aws.length === 1,
    "the AWS approver",
  );
}, 60_000);
afterAll(async () => two?.close(), 60_000);

describe("an AWS approver named by e-mail in Slack", () => {
  it("stays an address while someone else with another address speaks in the Teams home", async () => {
    await two.teamsSay(sam, "<at>Offboard</at> status", { threadId: teamsThreadId });
    expect((await two.caseOf()).members.aws).toEqual([
      { platform: "slack", userId: `email:${jo.email}`, email: jo.email },
    ]);
  }, 30_000);

  it("is bound to the Teams user whose directory gives the address, when they speak in the Teams home", async () => {
    await two.teamsSay(jo, "<at>Offboard</at> status", { threadId: teamsThreadId });
    const value = await two.caseOf();
    expect(value.members.aws).toEqual([
      { platform: "teams", userId: jo.aad, teamId: jo.tenant, name: jo.name, email: jo.email },
    ]);
    const joined = (await two.deps.audit.read(value.id)).filter((e) => e.action === "party.aws_joined");
    expect(joined.map((e) => [e.actor, e.party, e.where])).toEqual([
      [`teams:${jo.aad}@${jo.tenant}`, "aws", `teams:${teamsChannel}/${teamsThreadId}`],
    ]);
    // Asked in the Teams home's conversation, once for each of the two who spoke.
    const asked = two.connector.calls.filter((c) => c.kind === "member" && c.conversationId === teamsChannel);
    expect(asked.map((c) => c.activityId).sort()).toEqual([`29:${jo.aad}`, `29:${sam.aad}`]);
  }, 30_000);
});
