/** The Redis adapter: every store the core's ports need, and the connections they run on. */
export { createBullConnection, createRedis, type RedisConnectionOptions } from "./connection";
export { CaseAlreadyExistsError, RedisCaseStore, type RedisCaseStoreOptions } from "./case-store";
export { RedisIdempotencyStore } from "./idempotency-store";
export { RedisAuditLog, verifyCaseAudit } from "./audit-log";
export { checkRedisVersion, isRedisReady, minimumRedisVersion } from "./health";
export { RedisKeys } from "./keys";
export { RedisStepCountStore } from "./step-count-store";
