/** The AWS adapter: the AwsOperations port on the SDK v3 clients, paced by a rate limit shared in Redis. */
import type { RedisClient } from "../redis/connection";
import type { Config } from "../../src/config";
import type { AwsCallObserver } from "./aws-call-observation";
import { AwsClients } from "./aws-clients";
import { RequestRateLimit } from "./request-rate-limit";
import { SdkAwsOperations } from "./sdk-aws-operations";
import { SdkRootAccess } from "./root-access";
import { RedisKeys } from "../redis/keys";

export { AwsClients, type AccountClients, type AwsClientOptions } from "./aws-clients";
export {
  awsCallObservation,
  type AwsCallObserver,
  type AwsCallRecord,
  type AwsCallOutcome,
} from "./aws-call-observation";
export { RequestRateLimit, type RequestRateLimitOptions } from "./request-rate-limit";
export { SdkAwsOperations, lockedTrustPolicy, partnerBucketNames, carriesMarker } from "./sdk-aws-operations";
export { SdkRootAccess, openRootSession } from "./root-access";
export { translateAwsError, isRetryableSdkError } from "./translate-error";
export { defaultBackoff, backoffDelay, type BackoffPolicy } from "./request-pacing";

/** What the AWS adapter reports to metrics: every call, and every wait for the shared rate limit. */
export interface AwsObservers {
  observer?: AwsCallObserver;
  onRateLimitWait?: (seconds: number) => void;
}

/**
 * The AWS port as configured: every process using the same Redis and key prefix shares one request
 * budget of `OFFBOARD_AWS_RATE_LIMIT` per second.
 *
 * @example const { aws, close } = createAwsOperations(config, createRedis(config.redisUrl));
 */
export function createAwsOperations(
  config: Pick<Config, "aws" | "keyPrefix">,
  redis: RedisClient,
  observers: AwsObservers = {},
): { aws: SdkAwsOperations; rootAccess: SdkRootAccess; clients: AwsClients; close(): void } {
  const gate = new RequestRateLimit(redis, new RedisKeys(config.keyPrefix).awsRate(), {
    perSecond: config.aws.rateLimitPerSecond,
    onWait: observers.onRateLimitWait,
  });
  const clients = new AwsClients({
    region: config.aws.region,
    memberRoleName: config.aws.memberRoleName,
    gate,
    observer: observers.observer,
  });
  const aws = new SdkAwsOperations(clients, {
    partnerMarker: config.aws.partnerMarker,
    memberRoleName: config.aws.memberRoleName,
    partnerAccountIds: config.aws.partnerAccountIds,
  });
  return { aws, rootAccess: new SdkRootAccess(clients), clients, close: () => clients.destroy() };
}
