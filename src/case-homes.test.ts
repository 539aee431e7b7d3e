import type { Case } from "./case";
import { homeAt, homesOf, isCaseThread, isInAnyHome, keptRef, withKeptRef, withLinkedHome } from "./case-homes";
import type { Identity } from "./identity";

const partner: Identity = { platform: "slack", userId: "UPARTNER1", teamId: "TPARTNER" };
const customer: Identity = { platform: "teams", userId: "aad-cora", teamId: "tenant-customer" };
const slackCard = { platform: "slack" as const, channelId: "CPARTNER", messageId: "1760000000.000001" };
const teamsCard = { platform: "teams" as const, channelId: "19:acme@thread.tacv2", messageId: "1700000000001" };

const value: Case = {
  id: "OFB-2026-0042",
  status: "collecting",
  locations: [{ platform: "slack", channelId: "CPARTNER", teamId: "TPARTNER" }],
  caseMessage: slackCard,
  ticket: { answers: {}, history: [], warnings: {} },
  accounts: [],
  members: { customer: [], aws: [] },
  signOffs: [],
  createdBy: partner,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-01T10:00:00.000Z",
  version: 3,
};
const linked = withLinkedHome(value, {
  location: { platform: "teams", channelId: teamsCard.channelId, threadId: teamsCard.messageId },
  caseMessage: teamsCard,
  joinedBy: customer,
  joinedAt: "2026-12-01T10:05:00.000Z",
});

describe("the homes of a case", () => {
  it("are the first home, then each joined one, each in the thread of its own case card", () => {
    expect(homesOf(linked).map((h) => [h.index, h.thread])).toEqual([
      [0, { platform: "slack", channelId: "CPARTNER", teamId: "TPARTNER", threadId: slackCard.messageId }],
      [1, { platform: "teams", channelId: teamsCard.channelId, threadId: teamsCard.messageId }],
    ]);
  });

  it("never adds the same conversation twice", () => {
    const again = withLinkedHome(linked, { ...linked.homes![0], joinedAt: "2026-12-01T11:00:00.000Z" });
    expect(again).toBe(linked);
    expect(withLinkedHome(linked, { ...linked.homes![0], location: value.locations[0] })).toBe(linked);
  });

  it("tell a conversation of the case (any home) from another platform's with the same id", () => {
    expect(isInAnyHome(linked, { platform: "teams", channelId: teamsCard.channelId })).toBe(true);
    expect(isInAnyHome(linked, { platform: "slack", channelId: teamsCard.channelId })).toBe(false);
    expect(isInAnyHome(value, { platform: "teams", channelId: teamsCard.channelId })).toBe(false);
    expect(homeAt(linked, { platform: "slack", channelId: "CPARTNER", threadId: "x" })?.index).toBe(0);
  });

  it("read answers only in a case card's thread", () => {
    const teamsThread = { platform: "teams" as const, channelId: teamsCard.channelId, threadId: teamsCard.messageId };
    expect(isCaseThread(linked, teamsThread)).toBe(true);
    expect(isCaseThread(linked, { ...teamsThread, threadId: "1700000000999" })).toBe(false);
    expect(isCaseThread(linked, { ...teamsThread, threadId: undefined })).toBe(false);
  });

  it("keep one ref per kept message per home", () => {
    const teamsSignOff = { ...teamsCard, messageId: "1700000000002" };
    const withRef = withKeptRef(linked, 1, "signOffMessage", teamsSignOff);
    expect(keptRef(withRef, 1, "signOffMessage")).toEqual(teamsSignOff);
    expect(keptRef(withRef, 0, "signOffMessage")).toBeUndefined();
    expect(homesOf(withRef)[1].refs).toEqual({ caseMessage: teamsCard, signOffMessage: teamsSignOff });
    expect(withKeptRef(linked, 5, "signOffMessage", teamsSignOff)).toBe(linked);
  });
});
