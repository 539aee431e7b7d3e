import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { ListedPartners } from "../../src/conversation/chat-router";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { Identity } from "../../src/identity";
import { forgeTrail } from "../support/audit-forgery";
import { testAuditKeys } from "../support/audit-keys";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { RedisKeys } from "../../adapters/redis/keys";

const { redis, prefix, cleanup } = testRedis("audit-tamper");
afterAll(cleanup);

const partner: Identity = { platform: "web", userId: "pat", teamId: "T-PARTNER", name: "Pat" };
let seq = 0;

/** A case opened by the partner in its own channel, and a way to export it from the case thread. */
async function openCase(channelId: string) {
  const chat = new RecordingChat();
  const deps: ConversationDeps = {
    cases: new RedisCaseStore(redis, prefix),
    audit: new RedisAuditLog(redis, prefix, testAuditKeys),
    idempotency: new RedisIdempotencyStore(redis, prefix),
    chat,
    partners: new ListedPartners(["pat"], "web"),
    clock: { now: () => new Date() },
  };
  const conversation = new OffboardConversation(deps);
  const location = { platform: "web" as const, channelId };
  await conversation.handle({
    kind: "message",
    mentionsBot: true,
    direct: false,
    text: "start",
    actor: partner,
    location,
    requestId: `t${++seq}`,
  });
  const value = (await deps.cases.get((await deps.cases.findByLocation(location))!))!;
  const exportText = async (): Promise<string> => {
    chat.clear();
    const threadId = value.caseMessage!.messageId;
    await conversation.handle({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text: "export",
      actor: partner,
      location: { ...location, threadId },
      requestId: `t${++seq}`,
    });
    return JSON.stringify(chat.sent);
  };
  return { value, exportText };
}

describe("the export verifies the keyed audit chain", () => {
  it("says the chain is verified for an untouched trail", async () => {
    const { exportText } = await openCase("tamper-intact");
    expect(await exportText()).toMatch(/Hash chain verified: \d+ events\./);
  });

  it("says the chain is broken after a writer with Redis access rewrote an event and recomputed every hash and the head", async () => {
    const { value, exportText } = await openCase("tamper-forged");
    await forgeTrail(redis, prefix, value.id, (fields) => {
      if (fields.action === "case.created") fields.actor = "web:mallory@T-PARTNER";
    });
    expect(await exportText()).toMatch(/Hash chain BROKEN at event 0 .*was edited/);
  });

  it("says the chain is broken when events were cut off the end (the recorded head is checked too)", async () => {
    const { value, exportText } = await openCase("tamper-cut");
    const entries = (await redis.xrange(new RedisKeys(prefix).caseAudit(value.id), "-", "+")) as [string, string[]][];
    await redis.xdel(new RedisKeys(prefix).caseAudit(value.id), entries[entries.length - 1][0]);
    expect(await exportText()).toMatch(/Hash chain BROKEN .*every event was deleted/);
  });
});
