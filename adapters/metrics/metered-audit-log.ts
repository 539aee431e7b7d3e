import type { AuditInput, AuditLog } from "../../src/ports";

/** What the audit log reports to metrics. */
export interface AuditMetrics {
  /** A credential link moved to `state` (`link_sent`, `retrieved`, `expired`, …). */
  credentialLink(state: string): void;
  auditVerified(ok: boolean): void;
}

const credentialsPrefix = "credentials.";

/**
 * The audit log, counted: every `credentials.<state>` event the core records is a credential link
 * moving to that state, and every verified read of a trail (an export) counts its verdict. Everything
 * else passes through unchanged.
 *
 * @example const audit = meteredAuditLog(new RedisAuditLog(redis, prefix, keyring), metrics);
 */
export function meteredAuditLog<L extends AuditLog>(log: L, metrics: AuditMetrics): L {
  return new Proxy(log, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (property === "append")
        return async (input: AuditInput) => {
          const event = await method.call(target, input);
          if (input.action.startsWith(credentialsPrefix))
            metrics.credentialLink(input.action.slice(credentialsPrefix.length));
          return event;
        };
      if (property === "readVerified")
        return async (caseId: string) => {
          const result = (await method.call(target, caseId)) as Awaited<ReturnType<AuditLog["readVerified"]>>;
          metrics.auditVerified(result.verification.ok);
          return result;
        };
      return method.bind(target);
    },
  });
}
