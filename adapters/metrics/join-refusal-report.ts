import type { Logger } from "pino";
import type { JoinRefusal, JoinRefusalObserver } from "../../src/join-limit";

/** What a refused `join` is counted by (OffboardMetrics). */
export interface JoinMetrics {
  joinRefused(because: string): void;
  joinLocked(subject: string): void;
}

/**
 * Refused `join`s for the operators: each one a warning in the log (who, in which conversation, why, the keyed hash of
 * the code tried — never the code; a try while locked out only at info) and `offboard_join_refused_total{because}`;
 * a person or conversation reaching the limit a warning of its own and `offboard_join_locks_total{subject}`. A code
 * nobody issued belongs to no case, so this is its only record. Many `unknown` from one person or conversation is
 * someone guessing.
 *
 * @example joinRefusals: joinRefusalReport(logger, metrics)
 */
export function joinRefusalReport(logger: Logger, metrics?: JoinMetrics): JoinRefusalObserver {
  return {
    joinRefused(refusal: JoinRefusal): void {
      const entry = {
        because: refusal.because,
        actor: `${refusal.actor.platform}:${refusal.actor.userId}@${refusal.actor.teamId ?? ""}`,
        conversation: `${refusal.where.platform}:${refusal.where.channelId}`,
        ...(refusal.codeHash ? { codeHash: refusal.codeHash } : {}),
        ...(refusal.caseId ? { caseId: refusal.caseId } : {}),
        ...(refusal.lockedBy ? { lockedBy: refusal.lockedBy, retryAfterMs: refusal.retryAfterMs } : {}),
      };
      metrics?.joinRefused(refusal.because);
      // While locked out, each further try is counted and logged at info: the lock was announced at warn once, and a
      // guesser hammering on a lock must not bury the warnings of the log.
      if (refusal.because === "locked") logger.info(entry, "join refused: locked out");
      else logger.warn(entry, "join refused: link code");
      for (const subject of refusal.nowLocked ?? []) {
        metrics?.joinLocked(subject);
        logger.warn({ ...entry, locked: subject }, `join locked for this ${subject}: too many refused link codes`);
      }
    },
  };
}
