import type {
  AbsoluteLocation,
  FinalizeRequestHandlerOptions,
  FinalizeRequestMiddleware,
  MetadataBearer,
  Pluggable,
} from "@aws-sdk/types";
import { isRetryableSdkError } from "./translate-error";

/** How throttling, concurrent modifications and AWS-side failures are retried. */
export interface BackoffPolicy {
  /** Attempts in all, the first included; default 8. */
  maxAttempts: number;
  /** The first pause before "full jitter" (a random share of it); doubles on each attempt. Default 100 ms. */
  baseDelayMs: number;
  /** The longest pause; default 10 s. */
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 10_000 };

/** Anything that can make a request wait for its turn (the shared Redis rate limit). */
export interface RequestGate {
  acquire(): Promise<void>;
}

/** Exponential backoff with full jitter (AWS Architecture Blog), so retrying workers do not move in lockstep. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/**
 * A client plugin that paces and retries every request of the client, pages of paginators included:
 * each attempt first takes its turn from the shared rate limit, and a retryable failure waits with
 * backoff before the next attempt. The SDK's own retries are turned off on these clients
 * (`maxAttempts: 1`), so this is the only retry loop and every attempt is counted against the limit.
 * It sits before signing, so each attempt is signed afresh.
 */
export function requestPacing(
  gate: RequestGate | undefined,
  policy: BackoffPolicy = defaultBackoff,
): Pluggable<object, MetadataBearer> {
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
    for (let attempt = 0; ; attempt++) {
      if (gate) await gate.acquire();
      try {
        return await next(args);
      } catch (error) {
        if (attempt + 1 >= policy.maxAttempts || !isRetryableSdkError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, policy)));
      }
    }
  };
  const options: FinalizeRequestHandlerOptions & AbsoluteLocation & { name: string } = {
    step: "finalizeRequest",
    priority: "high",
    name: "offboardRequestPacing",
  };
  return { applyToStack: (stack) => stack.add(middleware, options) };
}
