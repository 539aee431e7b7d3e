import { AsyncLocalStorage } from "node:async_hooks";
import type { ChatLocation } from "../identity";
import type { AuditLog, AuditPlace } from "../ports";

/**
 * Where the request being handled came from, for the audit trail: the conversation runs each person's request inside
 * `actingAt(place, …)`, and `auditWithPlaces` writes that place into every event appended meanwhile that names no
 * place of its own. So every handler's events say the platform and conversation of the action (a case with homes on
 * Slack and Teams shows which one) without each handler passing it on. Offboard's own events (jobs) have none.
 */
const current = new AsyncLocalStorage<AuditPlace>();

/** The place of a location (a thread's is its channel and thread), or of a platform alone (a submitted form). */
export function placeOf(where: ChatLocation | { platform: ChatLocation["platform"] }): AuditPlace {
  if (!("channelId" in where)) return { platform: where.platform };
  return {
    platform: where.platform,
    conversation: where.channelId,
    ...(where.threadId ? { thread: where.threadId } : {}),
  };
}

/** Runs `work` as a request from `place`. */
export function actingAt<T>(place: AuditPlace, work: () => Promise<T>): Promise<T> {
  return current.run(place, work);
}

/** The audit log, with the place of the current request added to each person's event that has none. */
export function auditWithPlaces<L extends AuditLog>(log: L): L {
  return new Proxy(log, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property !== "append") return method.bind(target);
      return (input: Parameters<AuditLog["append"]>[0]) => {
        const place = current.getStore();
        const placed = place && !input.where && input.actor !== "system" ? { ...input, where: place } : input;
        return method.call(target, placed);
      };
    },
  });
}
