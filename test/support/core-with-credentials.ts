import type Redis from "ioredis";
import { RedisAuditLog } from "../../adapters/redis/audit-log";
import { RedisCaseStore } from "../../adapters/redis/case-store";
import { RedisCredentialLinkStore } from "../../adapters/redis/credential-link-store";
import { RedisIdempotencyStore } from "../../adapters/redis/idempotency-store";
import { ListedPartners } from "../../src/conversation/chat-router";
import { OffboardConversation } from "../../src/conversation/offboard-conversation";
import { CredentialService } from "../../src/credentials/credential-service";
import type { SecretVault } from "../../src/ports";
import { testAuditKeys } from "./audit-keys";
import { RecordingChat } from "./recording-chat";

/** Secrets Manager as a map: for tests about who gets links, not about how secrets are stored. */
export class MemoryVault implements SecretVault {
  readonly secrets = new Map<string, string>();
  async put(name: string, ciphertext: string): Promise<void> {
    this.secrets.set(name, ciphertext);
  }
  async get(name: string): Promise<string | undefined> {
    return this.secrets.get(name);
  }
  async destroy(name: string): Promise<void> {
    this.secrets.delete(name);
  }
}

/**
 * The core's conversation and the credential service on real Redis, with a recording chat, on the demo platform
 * (`web`) with these partner members: the authority tests' world.
 */
export function coreWithCredentials(redis: Redis, prefix: string, partnerIds: readonly string[]) {
  const chat = new RecordingChat();
  const cases = new RedisCaseStore(redis, prefix);
  const audit = new RedisAuditLog(redis, prefix, testAuditKeys);
  const clock = { now: () => new Date() };
  const credentials = new CredentialService({
    cases,
    audit,
    chat,
    vault: new MemoryVault(),
    links: new RedisCredentialLinkStore(redis, prefix),
    clock,
    expiry: { schedule: async () => undefined, cancel: async () => undefined },
    publicBaseUrl: "https://offboard.test",
    linkTtlSeconds: 3600,
  });
  const conversation = new OffboardConversation({
    cases,
    audit,
    chat,
    idempotency: new RedisIdempotencyStore(redis, prefix),
    partners: new ListedPartners(partnerIds, "web"),
    clock,
    credentials,
  });
  return { chat, cases, audit, credentials, conversation };
}
