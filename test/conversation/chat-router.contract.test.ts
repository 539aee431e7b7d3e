import { ChatRouter } from "../../src/conversation/chat-router";
import { NotConfiguredError } from "../../src/errors";
import type { Platform } from "../../src/identity";
import { message } from "../../src/message";
import { chatContract, declaredCapabilities } from "../support/chat-contract";
import { startRouterContract } from "../support/chat-harnesses";

/**
 * The ChatRouter the core talks to, built by startOffboard with Slack, Teams and the demo channel all
 * configured: the chat contract, unchanged, for each platform behind it.
 */
for (const platform of ["slack", "teams", "web"] as const satisfies readonly Platform[])
  chatContract(`the router (startOffboard) for ${platform}`, declaredCapabilities[platform], () =>
    startRouterContract(platform),
  );

describe("the router for a platform that is not configured", () => {
  const router = new ChatRouter({});
  const where = { platform: "teams" as const, channelId: "19:nowhere@thread.tacv2" };
  const who = { platform: "teams" as const, userId: "aad-nobody" };
  const file = { filename: "x.json", title: "x", content: "{}", mimeType: "application/json" };

  it("declares no capability at all", () => {
    expect(router.capabilities("teams")).toEqual({
      sharedChannels: false,
      ephemeral: false,
      uploads: false,
      privateUploads: false,
    });
  });

  it("refuses every call with NotConfiguredError", async () => {
    const calls: Promise<unknown>[] = [
      router.post(where, message("hello")),
      router.update({ ...where, messageId: "1" }, message("hello")),
      router.ephemeral(where, who, message("hello")),
      router.direct(who, message("hello")),
      router.upload(where, file),
      router.createSharedChannel("ofb", [], where),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(NotConfiguredError);
  });
});
