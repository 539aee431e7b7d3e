import type { Case } from "../../src/case";
import { ListedPartners, PartnerRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { Identity } from "../../src/identity";
import type { Message } from "../../src/message";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { redisCoreDeps } from "../support/core-deps";

/**
 * The App Home of a person on one platform lists the cases that live there too, not only those started there: a
 * case opened in Teams and joined from a Slack channel shows on the Slack partner's page, linked to the Slack thread.
 */
const { redis, prefix, cleanup } = testRedis("app-home-homes");
afterAll(cleanup);

const teamsStarter: Identity = { platform: "teams", userId: "aad-dana", teamId: "tenant-partner", name: "Dana" };
const slackPartner: Identity = { platform: "slack", userId: "UPAT", teamId: "TPARTNER", name: "Pat" };

function caseIn(id: string, joinedFromSlack: boolean): Case {
  const at = new Date().toISOString();
  return {
    id,
    status: "collecting",
    locations: [{ platform: "teams", channelId: `19:${id}@thread.tacv2`, teamId: "tenant-partner" }],
    caseMessage: { platform: "teams", channelId: `19:${id}@thread.tacv2`, messageId: `teams-card-${id}` },
    homes: joinedFromSlack
      ? [
          {
            location: { platform: "slack", channelId: "CSLACK", threadId: `17000.${id}`, teamId: "TPARTNER" },
            caseMessage: { platform: "slack", channelId: "CSLACK", messageId: `17000.${id}` },
            joinedBy: slackPartner,
            joinedAt: at,
          },
        ]
      : undefined,
    ticket: { answers: {}, history: [], warnings: {} },
    accounts: [],
    members: { customer: [], aws: [] },
    signOffs: [],
    createdBy: teamsStarter,
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}

const linksOf = (page: Message) =>
  page.blocks.flatMap((b) => (b.type === "messageLink" ? [`${b.link.label} → ${b.link.ref.messageId}`] : []));

it("lists a case started in Teams on a Slack partner's App Home once a Slack channel joined it, linked to it", async () => {
  const deps = redisCoreDeps(redis, prefix, {
    chat: new RecordingChat(),
    partners: new PartnerRouter({
      slack: new ListedPartners(["UPAT"], "slack"),
      teams: new ListedPartners(["aad-dana"], "teams"),
    }),
  });
  const { cases } = deps;
  const conversation = new OffboardConversation(deps);
  await cases.create(caseIn("OFB-2026-0701", true));
  await cases.create(caseIn("OFB-2026-0702", false));

  const page = (await conversation.handle({ kind: "home_opened", actor: slackPartner, requestId: "home-1" })).home;
  expect(page).toBeDefined();
  const text = JSON.stringify(page);
  expect(text).toContain("OFB-2026-0701");
  // A case with no home on Slack means nothing to a Slack identity.
  expect(text).not.toContain("OFB-2026-0702");
  expect(linksOf(page!)).toEqual(["Open the thread of OFB-2026-0701 → 17000.OFB-2026-0701"]);
});
