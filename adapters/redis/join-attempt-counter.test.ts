import { randomBytes } from "node:crypto";
import type { JoinSubject } from "../../src/join-limit";
import { testRedis } from "../../test/support/redis";
import { RedisJoinAttemptCounter } from "./join-attempt-counter";
import { RedisKeys } from "./keys";

describe("RedisJoinAttemptCounter", () => {
  const { redis, prefix, cleanup } = testRedis("join-attempts");
  const counter = new RedisJoinAttemptCounter(redis, prefix);
  afterAll(cleanup);

  /** A fresh person and conversation, each with its limit. */
  const subjects = (perPerson = 3, perConversation = 5): JoinSubject[] => {
    const n = randomBytes(3).toString("hex");
    return [
      { kind: "person", id: `teams:aad-${n}@tenant`, limit: perPerson },
      { kind: "conversation", id: `teams:19:${n}@thread.tacv2`, limit: perConversation },
    ];
  };

  it("counts each attempt for the person and the conversation, and refuses once the person is at the limit", async () => {
    const both = subjects(3, 5);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await counter.reserve(both, 60_000));
    expect(answers.slice(0, 3)).toEqual([
      { ok: true, counts: [1, 1] },
      { ok: true, counts: [2, 2] },
      { ok: true, counts: [3, 3] },
    ]);
    expect(answers[3]).toEqual({ ok: false, lockedBy: "person", retryAfterMs: expect.any(Number) });
    const locked = answers[3] as { retryAfterMs: number };
    expect(locked.retryAfterMs).toBeGreaterThan(55_000);
    expect(locked.retryAfterMs).toBeLessThanOrEqual(60_000);
    // A locked attempt counts for no one: the conversation's counter did not move.
    const key = new RedisKeys(prefix).joinAttempts("conversation", both[1].id);
    expect(await redis.get(key)).toBe("3");
  });

  it("locks a conversation for everyone in it, whoever the person", async () => {
    const [, conversation] = subjects(10, 2);
    for (let i = 0; i < 2; i++) {
      const [person] = subjects();
      expect((await counter.reserve([person, conversation], 60_000)).ok).toBe(true);
    }
    const [newcomer] = subjects();
    expect(await counter.reserve([newcomer, conversation], 60_000)).toMatchObject({
      ok: false,
      lockedBy: "conversation",
    });
  });

  it("lets no more than the limit through of many simultaneous attempts", async () => {
    const both = subjects(5, 100);
    const answers = await Promise.all(Array.from({ length: 20 }, () => counter.reserve(both, 60_000)));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
  });

  it("gives an attempt back on release, never below zero", async () => {
    const both = subjects(2, 5);
    await counter.reserve(both, 60_000);
    await counter.reserve(both, 60_000);
    await counter.release(both);
    expect(await counter.reserve(both, 60_000)).toEqual({ ok: true, counts: [2, 2] });
    const fresh = subjects();
    await counter.release(fresh);
    expect(await counter.reserve(fresh, 60_000)).toEqual({ ok: true, counts: [1, 1] });
  });

  it("forgets the attempts when the window ends", async () => {
    const both = subjects(1, 5);
    expect((await counter.reserve(both, 300)).ok).toBe(true);
    expect((await counter.reserve(both, 300)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await counter.reserve(both, 300)).toEqual({ ok: true, counts: [1, 1] });
  });
});
