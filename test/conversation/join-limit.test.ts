import { RedisJoinAttemptCounter } from "../../adapters/redis/join-attempt-counter";
import { RedisLinkCodeStore } from "../../adapters/redis/link-code-store";
import type { Case } from "../../src/case";
import { ListedPartners } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import type { ChatLocation, Identity } from "../../src/identity";
import type { JoinLimit, JoinRefusal } from "../../src/join-limit";
import { newLinkCode } from "../../src/link-code";
import { testAuditKeys } from "../support/audit-keys";
import { RecordingChat } from "../support/recording-chat";
import { testRedis } from "../support/redis";
import { redisCoreDeps } from "../support/core-deps";

/**
 * Guessing link codes: refused `join`s are counted per person and per conversation in Redis, and past the limit `join`
 * is refused without the code being looked up. The core with its real Redis stores; the chat records what was said.
 */
const { redis, prefix, cleanup } = testRedis("join-limit");
afterAll(cleanup);

const partner: Identity = { platform: "web", userId: "pat", teamId: "T-PARTNER", name: "Pat" };
const person = (userId: string): Identity => ({ platform: "web", userId, teamId: "T-GUEST", name: userId });
const conversationOf = (channelId: string): ChatLocation => ({ platform: "web", channelId });

let seq = 0;
const rid = () => `join-limit-${++seq}-${Date.now()}`;

const linkCodes = new RedisLinkCodeStore(redis, prefix, testAuditKeys.current.secret);

function setup(limit: JoinLimit) {
  const chat = new RecordingChat();
  const refusals: JoinRefusal[] = [];
  const deps = redisCoreDeps(redis, prefix, {
    chat,
    partners: new ListedPartners(["pat"], "web"),
    linkCodes,
    joinAttempts: new RedisJoinAttemptCounter(redis, prefix),
    joinLimit: limit,
    joinRefusals: { joinRefused: (refusal) => refusals.push(refusal) },
  });
  const { cases } = deps;
  const conversation = new OffboardConversation(deps);
  const say = (actor: Identity, where: ChatLocation, text: string) =>
    conversation.handle({
      kind: "message",
      mentionsBot: true,
      direct: false,
      text,
      actor,
      location: where,
      requestId: rid(),
    });

  /** A case started by the partner in a channel of its own. */
  const startCase = async (): Promise<{ value: Case; thread: ChatLocation }> => {
    const home = conversationOf(`home-${rid()}`);
    await say(partner, home, "start");
    const value = (await cases.get((await cases.findByLocation(home))!))!;
    return { value, thread: { ...home, threadId: value.caseMessage!.messageId } };
  };
  /** `link` in the case thread; the code the partner was shown. */
  const linkCode = async (thread: ChatLocation): Promise<string> => {
    await say(partner, thread, "link");
    const shown = chat.last("ephemeral")!.body.text;
    return /: ([0-9A-Z]{4}-[0-9A-Z]{4}) \(once/.exec(shown)![1];
  };
  /** `join <code>` by `who` in `where`: what they were told privately, and whether the conversation joined. */
  const join = async (who: Identity, where: ChatLocation, code: string) => {
    const before = chat.sent.length;
    await say(who, where, `join ${code}`);
    const told = chat.sent
      .slice(before)
      .filter((s) => s.kind === "ephemeral" && s.to?.userId === who.userId)
      .map((s) => s.body.text)
      .join("\n");
    return { told, joined: (await cases.findByLocation(where)) !== undefined };
  };
  /** A code no one issued. */
  const wrongCode = () => newLinkCode();
  return { cases, refusals, startCase, linkCode, join, wrongCode };
}

const limit: JoinLimit = { perPerson: 5, perConversation: 10, windowMs: 60_000 };

describe("the limit on guessing link codes", () => {
  it("refuses the 6th code from one person as locked, even the right one, without looking it up", async () => {
    const { startCase, linkCode, join, wrongCode, refusals, cases } = setup(limit);
    const { value, thread } = await startCase();
    const code = await linkCode(thread);
    const guesser = person("mallory");
    const where = conversationOf(`guess-${rid()}`);
    const tried: string[] = [];
    for (let i = 0; i < 5; i++) {
      tried.push(wrongCode());
      const answer = await join(guesser, where, tried[i]);
      expect(answer).toEqual({ told: expect.stringMatching(/not a link code Offboard gave/), joined: false });
    }
    const sixth = await join(guesser, where, code);
    expect(sixth.joined).toBe(false);
    expect(sixth.told).toMatch(/too many wrong link codes from you/);
    expect(sixth.told).toMatch(/refused for 1 more minute/);
    // Not looked up: the code is still unused, and its case has no second home.
    expect((await cases.get(value.id))!.homes ?? []).toEqual([]);
    expect(await redis.hget(`${prefix}link-code:${linkCodes.hashOf(code)}`, "usedAt")).toBeNull();
    // The operators see each refusal, by hash only, and the lock starting at the 5th.
    const mine = refusals.filter((r) => r.actor.userId === "mallory");
    expect(mine.map((r) => r.because)).toEqual(["unknown", "unknown", "unknown", "unknown", "unknown", "locked"]);
    expect(mine.slice(0, 5).map((r) => r.codeHash)).toEqual(tried.map((c) => linkCodes.hashOf(c)));
    expect(mine.map((r) => r.nowLocked)).toEqual([undefined, undefined, undefined, undefined, ["person"], undefined]);
    expect(mine[5]).toMatchObject({ lockedBy: "person", where: { channelId: where.channelId } });
    expect(mine[5].codeHash).toBeUndefined();
    expect(JSON.stringify(refusals)).not.toContain(code);
    for (const t of tried) expect(JSON.stringify(refusals)).not.toContain(t);
  });

  it("does not lock out another person in the same conversation: their right code joins it", async () => {
    const { startCase, linkCode, join, wrongCode } = setup(limit);
    const { thread } = await startCase();
    const where = conversationOf(`shared-guess-${rid()}`);
    const guesser = person(`mallory-${rid()}`);
    for (let i = 0; i < 6; i++) await join(guesser, where, wrongCode());
    expect((await join(guesser, where, wrongCode())).told).toMatch(/too many wrong link codes from you/);
    const code = await linkCode(thread);
    expect(await join(person(`cora-${rid()}`), where, code)).toEqual({ told: "", joined: true });
  });

  it("locks a conversation after its own limit, for a newcomer too", async () => {
    const { join, wrongCode, refusals } = setup({ ...limit, perConversation: 3 });
    const where = conversationOf(`busy-${rid()}`);
    for (let i = 0; i < 3; i++) await join(person(`guest-${i}-${rid()}`), where, wrongCode());
    const newcomer = person(`newcomer-${rid()}`);
    expect((await join(newcomer, where, wrongCode())).told).toMatch(/too many wrong link codes in this conversation/);
    expect(refusals.at(-1)).toMatchObject({ because: "locked", lockedBy: "conversation" });
    expect(refusals.at(-2)?.nowLocked).toEqual(["conversation"]);
  });

  it("lets the person try again once the window is over", async () => {
    const { startCase, linkCode, join, wrongCode } = setup({ ...limit, windowMs: 500 });
    const { thread } = await startCase();
    const guesser = person(`forgetful-${rid()}`);
    const where = conversationOf(`later-${rid()}`);
    for (let i = 0; i < 5; i++) await join(guesser, where, wrongCode());
    const code = await linkCode(thread);
    expect((await join(guesser, where, code)).told).toMatch(/too many wrong link codes/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await join(guesser, where, code)).toEqual({ told: "", joined: true });
  });

  it("takes a right code within the limit, and does not count it as a refused attempt", async () => {
    const { startCase, linkCode, join, wrongCode } = setup(limit);
    const { thread } = await startCase();
    const typist = person(`typist-${rid()}`);
    for (let i = 0; i < 4; i++) await join(typist, conversationOf(`typo-${rid()}`), wrongCode());
    const where = conversationOf(`right-${rid()}`);
    expect(await join(typist, where, await linkCode(thread))).toEqual({ told: "", joined: true });
    // Four refused so far, not five: one more wrong code is still only "not a link code".
    expect((await join(typist, conversationOf(`typo-${rid()}`), wrongCode())).told).toMatch(/not a link code/);
  });
});
