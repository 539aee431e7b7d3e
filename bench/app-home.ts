/**
 * A person's App Home over many cases: stores 2,000 cases (one in four open, the rest completed) under a private
 * prefix, and builds a partner member's page through the conversation 15 times (the first 3 warm up). There is no
 * index by person: every case document is read, a hundred at a time. Bounded: 2,000 cases, 15 pages; the keys are
 * deleted after. `npm run bench -- app-home`.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { RedisAuditLog } from "../adapters/redis/audit-log";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createRedis } from "../adapters/redis/connection";
import { RedisIdempotencyStore } from "../adapters/redis/idempotency-store";
import { ListedPartners } from "../src/conversation/chat-router";
import { OffboardConversation } from "../src/conversation/offboard-conversation";
import { testAuditKeys } from "../test/support/audit-keys";
import { RecordingChat } from "../test/support/recording-chat";
import { deleteKeysWithPrefix, testRedisUrl } from "../test/support/redis";
import type { BenchFigures } from "./run";
import { sampleAccountIds, sampleCase } from "./sample-case";

const caseCount = 2000;
const pages = 15;
const warmUp = 3;
const goalMs = 250;

/** `size`: how many cases and pages (the smoke test builds a few). */
export async function benchAppHome(size = { cases: caseCount, pages }): Promise<BenchFigures> {
  const redis = createRedis(testRedisUrl);
  const prefix = `bench:app-home:${randomBytes(4).toString("hex")}:`;
  try {
    const cases = new RedisCaseStore(redis, prefix);
    const now = new Date().toISOString();
    for (let i = 0; i < size.cases; i++) {
      const { value } = sampleCase(`OFB-2031-${String(i + 1).padStart(4, "0")}`, sampleAccountIds(2), now);
      await cases.create({ ...value, status: i % 4 === 0 ? "awaiting_signoff" : "completed" });
    }
    const conversation = new OffboardConversation({
      cases,
      audit: new RedisAuditLog(redis, prefix, testAuditKeys),
      idempotency: new RedisIdempotencyStore(redis, prefix),
      chat: new RecordingChat(),
      partners: new ListedPartners(["pat"], "web"),
      clock: { now: () => new Date() },
    });
    const times: number[] = [];
    for (let page = 0; page < size.pages; page++) {
      const started = performance.now();
      const outcome = await conversation.handle({
        kind: "home_opened",
        actor: { platform: "web", userId: "pat", teamId: "T-PARTNER" },
        requestId: `bench-home-${page}`,
      });
      if (!outcome.home) throw new Error("the App Home was not built");
      if (page >= warmUp) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    return {
      cases: size.cases,
      openCases: Math.ceil(size.cases / 4),
      pages: times.length,
      "page ms, median": Math.round(median * 10) / 10,
      "page ms, max": Math.round(times[times.length - 1] * 10) / 10,
      [`verdict (goal < ${goalMs} ms)`]: median < goalMs ? "met" : "missed",
    };
  } finally {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
}
