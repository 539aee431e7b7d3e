import type { AuditLog, CaseStore } from "../../src/ports";
import { noteCaseId } from "./log-context";

/**
 * The case store, noting in the current request's or job's log context the first case it touches,
 * so that every line logged afterwards carries its `caseId` without the core passing it around.
 *
 * @example const cases = notingCaseIds(new RedisCaseStore(redis, prefix));
 */
export function notingCaseIds<S extends CaseStore>(store: S): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      switch (property) {
        case "get":
        case "update":
          return (id: string, ...rest: unknown[]) => {
            noteCaseId(id);
            return method.call(target, id, ...rest);
          };
        case "create":
          return (value: { id: string }) => {
            noteCaseId(value.id);
            return method.call(target, value);
          };
        case "findByLocation":
          return async (...args: unknown[]) => {
            const id = (await method.apply(target, args)) as string | undefined;
            noteCaseId(id);
            return id;
          };
        default:
          return method.bind(target);
      }
    },
  });
}

/** The audit log, noting the case of each event appended or trail read (see `notingCaseIds`). */
export function auditNotingCaseIds<L extends AuditLog>(log: L): L {
  return new Proxy(log, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === "append")
        return (input: { caseId: string }) => {
          noteCaseId(input.caseId);
          return method.call(target, input);
        };
      if (property === "read" || property === "readVerified")
        return (caseId: string) => {
          noteCaseId(caseId);
          return method.call(target, caseId);
        };
      return method.bind(target);
    },
  });
}
