import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import type { Case } from "../../src/case";
import { ListedPartners, PartnerRouter } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { Identity } from "../../src/identity";
import type { Inbound } from "../../src/ports";
import { testAuditKeys } from "../support/audit-keys";
import type { InboundWithoutRequestId } from "../support/full-stack";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";

/**
 * The AWS approver named with `assign aws` from either platform: by mention, by their ids on the other platform, or
 * by e-mail address, bound to their platform identity when they join the case channel (as the customer's approvers
 * named by e-mail are). Through the real conversation on Redis.
 */
const { redis, prefix, cleanup } = testRedis("people-fields");
afterAll(cleanup);

const partner: Identity = { platform: "slack", userId: "UPARTNER1", teamId: "TPARTNER", name: "pat" };
const cases = new RedisCaseStore(redis, prefix);
const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
const conversation = new OffboardConversation({
  cases,
  audit,
  chat: new RecordingChat(),
  idempotency: new RedisIdempotencyStore(redis, prefix),
  partners: new PartnerRouter({ slack: new ListedPartners(["UPARTNER1"], "slack") }),
  clock: { now: () => new Date() },
});
const channel = { platform: "slack" as const, channelId: "CPEOPLE1", teamId: "TPARTNER" };
let seq = 0;
const act = (input: InboundWithoutRequestId) =>
  conversation.handle({ ...input, requestId: `people-${++seq}` } as Inbound);

let value: Case;
beforeAll(async () => {
  await act({ kind: "message", actor: partner, text: "start", mentionsBot: true, direct: false, location: channel });
  value = (await cases.get((await cases.findByLocation(channel))!))!;
});

const say = (text: string) =>
  act({
    kind: "message",
    actor: partner,
    text,
    mentionsBot: true,
    direct: false,
    location: { ...channel, threadId: value.caseMessage!.messageId },
  });

describe("the AWS approver named from either platform", () => {
  it("takes a Teams user by Entra object id and tenant, typed in Slack", async () => {
    await say("assign aws teams:aad-avery@tenant-aws");
    const aws = (await cases.get(value.id))!.members.aws;
    expect(aws).toEqual([{ platform: "teams", userId: "aad-avery", teamId: "tenant-aws" }]);
  });

  it("takes an e-mail address, and binds it to the person's platform identity when they join the case channel", async () => {
    await say("assign aws jo.kim@aws.example");
    expect((await cases.get(value.id))!.members.aws.at(-1)).toEqual({
      platform: "slack",
      userId: "email:jo.kim@aws.example",
      email: "jo.kim@aws.example",
    });
    const jo: Identity = { platform: "slack", userId: "UJOKIM", teamId: "TAWS", email: "jo.kim@aws.example" };
    await act({ kind: "member_joined", actor: jo, location: channel });
    const aws = (await cases.get(value.id))!.members.aws;
    expect(aws.map((m) => m.userId)).toEqual(["aad-avery", "UJOKIM"]);
    const joined = (await audit.read(value.id)).filter((e) => e.action === "party.aws_joined");
    expect(joined.map((e) => [e.actor, e.party])).toEqual([["slack:UJOKIM@TAWS", "aws"]]);
  });

  it("refuses a partner member typed by ids as the AWS approver, as by mention", async () => {
    await say("assign aws slack:UPARTNER1@TPARTNER");
    expect((await cases.get(value.id))!.members.aws.map((m) => m.userId)).toEqual(["aad-avery", "UJOKIM"]);
  });
});
