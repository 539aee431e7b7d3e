import { readActivityText } from "./activity-text";
import { conversationIdOf, parseConversationId } from "./conversation-id";

const bot = { id: "28:bot", name: "Offboard" };

describe("reading a Teams message", () => {
  it("strips the bot's mention and turns other mentions into neutral tokens by AAD object id", () => {
    const read = readActivityText({
      text: "<at>Offboard</at> assign aws <at>Avery Smith</at>&nbsp;",
      recipient: bot,
      entities: [
        { type: "mention", text: "<at>Offboard</at>", mentioned: bot },
        {
          type: "mention",
          text: "<at>Avery Smith</at>",
          mentioned: { id: "29:avery", name: "Avery Smith", aadObjectId: "aad-avery" },
        },
      ],
    });
    expect(read).toEqual({
      mentionsBot: true,
      text: "assign aws <@aad-avery|Avery Smith>",
      mentioned: [{ id: "29:avery", aadObjectId: "aad-avery", name: "Avery Smith" }],
    });
  });

  it("keeps text without the bot's mention and falls back to the Bot Framework id", () => {
    const read = readActivityText({
      text: "<at>Jo</at> and <at>Jo</at>",
      recipient: bot,
      entities: [
        { type: "mention", text: "<at>Jo</at>", mentioned: { id: "29:jo", name: "Jo" } },
        { type: "mention", text: "<at>Jo</at>", mentioned: { id: "29:jo", name: "Jo" } },
      ],
    });
    expect(read.mentionsBot).toBe(false);
    expect(read.text).toBe("<@29:jo|Jo> and <@29:jo|Jo>");
  });
});

describe("Teams conversation ids", () => {
  it("splits a reply chain's conversation id into channel and root message, and joins it back", () => {
    expect(parseConversationId("19:abc@thread.tacv2;messageid=1700000000001")).toEqual({
      channelId: "19:abc@thread.tacv2",
      threadId: "1700000000001",
    });
    expect(parseConversationId("a:1personal-chat")).toEqual({ channelId: "a:1personal-chat" });
    expect(conversationIdOf({ channelId: "19:abc@thread.tacv2", threadId: "17" })).toBe(
      "19:abc@thread.tacv2;messageid=17",
    );
    expect(conversationIdOf({ channelId: "19:abc@thread.tacv2" })).toBe("19:abc@thread.tacv2");
  });
});
