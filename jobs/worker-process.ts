/**
 * A worker process on its own: the handoff workers (preflight, execute, reminders) with the AWS adapter
 * and the Redis case store, configured from the environment like the rest of Offboard (REDIS_URL,
 * OFFBOARD_KEY_PREFIX, AWS_*, OFFBOARD_AWS_RATE_LIMIT, …). Stops gracefully on SIGTERM/SIGINT.
 *
 * The core's workflow that receives the jobs' events is loaded from the module named by
 * `OFFBOARD_EVENTS_MODULE`, which exports `createHandoffEvents({ cases, redis })`; `src/main.ts`
 * (`--role worker`) wires the same pieces in-process instead.
 *
 * Optional tuning: OFFBOARD_BULL_PREFIX (default `<key prefix>bull`), OFFBOARD_WORKER_CONCURRENCY,
 * OFFBOARD_JOB_LOCK_MS, OFFBOARD_STALLED_INTERVAL_MS, OFFBOARD_CUSTOMER_POLL_MS.
 *
 * @example node -r tsx/cjs jobs/worker-process.ts
 */
import { createRequire } from "node:module";
import path from "node:path";
import type Redis from "ioredis";
import { createAwsOperations } from "../adapters/aws";
import { RedisCaseStore } from "../adapters/redis/case-store";
import { createBullConnection, createRedis } from "../adapters/redis/connection";
import { loadConfig } from "../src/config";
import { OffboardError } from "../src/errors";
import type { HandoffEvents } from "../src/handoff-events";
import type { CaseStore } from "../src/ports";
import { startWorkers } from "./start-workers";

/** The BullMQ prefix that goes with an Offboard key prefix, so one prefix separates whole installations. */
export function bullPrefixFor(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}

type EventsFactory = (deps: { cases: CaseStore; redis: Redis }) => HandoffEvents;

function optionalNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new OffboardError("config_invalid", `${name}: must be a positive number (got "${raw}")`);
  return value;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const modulePath = process.env.OFFBOARD_EVENTS_MODULE;
  if (!modulePath)
    throw new OffboardError(
      "config_invalid",
      "OFFBOARD_EVENTS_MODULE: name the module exporting createHandoffEvents({ cases, redis }) (or run `npm start -- --role worker`)",
    );
  // require, not import(): the module may be TypeScript loaded through a require hook (tsx/cjs).
  const { createHandoffEvents } = createRequire(__filename)(path.resolve(modulePath)) as {
    createHandoffEvents?: EventsFactory;
  };
  if (typeof createHandoffEvents !== "function")
    throw new OffboardError(
      "config_invalid",
      `OFFBOARD_EVENTS_MODULE: ${modulePath} does not export createHandoffEvents`,
    );

  const redis = createRedis(config.redisUrl, { name: "offboard-worker" });
  const bull = createBullConnection(config.redisUrl, { name: "offboard-worker-bullmq" });
  const cases = new RedisCaseStore(redis, config.keyPrefix);
  const { aws, rootAccess, close: closeAws } = createAwsOperations(config, redis);
  const workers = startWorkers({
    connection: bull,
    prefix: process.env.OFFBOARD_BULL_PREFIX || bullPrefixFor(config.keyPrefix),
    aws,
    rootAccess,
    cases,
    events: createHandoffEvents({ cases, redis }),
    partnerMarker: config.aws.partnerMarker,
    concurrency: optionalNumber("OFFBOARD_WORKER_CONCURRENCY"),
    lockDurationMs: optionalNumber("OFFBOARD_JOB_LOCK_MS"),
    stalledIntervalMs: optionalNumber("OFFBOARD_STALLED_INTERVAL_MS"),
    customerLeavePollMs: optionalNumber("OFFBOARD_CUSTOMER_POLL_MS"),
  });
  process.stdout.write("offboard worker ready\n");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await workers.close();
    closeAws();
    bull.disconnect();
    redis.disconnect();
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof OffboardError ? error.message : error);
    process.exit(1);
  });
}
