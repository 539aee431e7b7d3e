import type {
  AbsoluteLocation,
  FinalizeRequestHandlerOptions,
  HandlerExecutionContext,
  InitializeHandlerOptions,
  MetadataBearer,
  Pluggable,
} from "@aws-sdk/types";
import {
  AwsAccessDeniedError,
  AwsConcurrentModificationError,
  AwsConstraintError,
  AwsNotFoundError,
  AwsThrottledError,
  AwsUnavailableError,
} from "../../src/aws/aws-errors";
import { translateAwsError } from "./translate-error";

/** How one attempt or one call ended, as a metric label. */
export type AwsCallOutcome =
  "success" | "throttled" | "conflict" | "unavailable" | "not_found" | "access_denied" | "constraint" | "error";

/** One SDK call, once it is over: every attempt made (the first and each retry) and how it ended. */
export interface AwsCallRecord {
  /** The service, as the SDK client names it without `Client`, lower case: `iam`, `organizations`, `s3`, … */
  service: string;
  /** The operation, as the command names it without `Command`: `ListRoles`, `RemoveAccountFromOrganization`, … */
  operation: string;
  outcome: AwsCallOutcome;
  /** Why each retried attempt failed (empty when the first attempt settled it). */
  retries: AwsCallOutcome[];
  /** From the call to its answer, rate-limit waits and backoff pauses included. */
  seconds: number;
}

/** Receives every AWS call of the clients it is plugged into (metrics). Must not throw. */
export interface AwsCallObserver {
  awsCall(record: AwsCallRecord): void;
}

/** The typed error an SDK failure translates to, as an outcome label. */
export function outcomeOf(error: unknown): AwsCallOutcome {
  const typed = translateAwsError(error, { operation: "" });
  if (typed instanceof AwsThrottledError) return "throttled";
  if (typed instanceof AwsConcurrentModificationError) return "conflict";
  if (typed instanceof AwsUnavailableError) return "unavailable";
  if (typed instanceof AwsNotFoundError) return "not_found";
  if (typed instanceof AwsAccessDeniedError) return "access_denied";
  if (typed instanceof AwsConstraintError) return "constraint";
  return "error";
}

/**
 * A client plugin that reports every call to `observer`. Two middlewares share the call's context:
 * one around the whole call (initialize step, before the rate limit and the retry loop of
 * `requestPacing`), one around each attempt (finalize step, inside that loop), so a call that was
 * throttled twice and then went through reports `success` with retries `[throttled, throttled]`.
 *
 * @example client.middlewareStack.use(awsCallObservation(metrics));
 */
export function awsCallObservation(observer: AwsCallObserver): Pluggable<object, MetadataBearer> {
  const attempts = new WeakMap<HandlerExecutionContext, AwsCallOutcome[]>();
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const startedAt = process.hrtime.bigint();
          const failures: AwsCallOutcome[] = [];
          attempts.set(context, failures);
          const report = (outcome: AwsCallOutcome) => {
            // A failed last attempt was not retried; every failure before the last attempt was.
            const retries = outcome === "success" ? failures : failures.slice(0, -1);
            try {
              observer.awsCall({
                service: serviceOf(context),
                operation: operationOf(context),
                outcome,
                retries,
                seconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
              });
            } catch {
              // Metrics never break an AWS call.
            }
          };
          try {
            const result = await next(args);
            report("success");
            return result;
          } catch (error) {
            report(outcomeOf(error));
            throw error;
          }
        },
        {
          step: "initialize",
          priority: "high",
          name: "offboardCallObservation",
        } as InitializeHandlerOptions & AbsoluteLocation & { name: string },
      );
      stack.add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            attempts.get(context)?.push(outcomeOf(error));
            throw error;
          }
        },
        {
          step: "finalizeRequest",
          priority: "low",
          name: "offboardAttemptObservation",
        } as FinalizeRequestHandlerOptions & AbsoluteLocation & { name: string },
      );
    },
  };
}

function serviceOf(context: HandlerExecutionContext): string {
  return (context.clientName ?? "unknown").replace(/Client$/, "").toLowerCase();
}

function operationOf(context: HandlerExecutionContext): string {
  return (context.commandName ?? "unknown").replace(/Command$/, "");
}
