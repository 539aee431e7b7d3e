import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import type { RedisClient } from "../../adapters/redis/connection";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import type { ConversationDeps } from "../../src/conversation/conversation-deps";
import { testAuditKeys } from "./audit-keys";

/**
 * The core's ports on real Redis under `prefix`, as the tests of the conversation and the workflow use them: the case
 * store, the keyed audit log (this test process's audit key), the idempotency store and the wall clock; the chat and
 * the partner directory are the test's, and anything else it gives replaces or adds to these.
 *
 * @example
 *   new OffboardConversation(redisCoreDeps(redis, prefix, { chat, partners: new ListedPartners(["pat"], "web") }))
 */
export function redisCoreDeps(
  redis: RedisClient,
  prefix: string,
  rest: Pick<ConversationDeps, "chat" | "partners"> & Partial<ConversationDeps>,
): ConversationDeps {
  return {
    cases: new RedisCaseStore(redis, prefix),
    audit: new RedisAuditLog(redis, prefix, testAuditKeys),
    idempotency: new RedisIdempotencyStore(redis, prefix),
    clock: { now: () => new Date() },
    ...rest,
  };
}
