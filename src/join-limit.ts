import type { ChatLocation, Identity } from "./identity";

/**
 * The limit on guessing link codes. A code is 8 characters of base32 (40 bits) and works for 15 minutes, and `join`
 * can be said in any conversation the bot is in, so refused `join`s are counted — per person (platform and user) and
 * per conversation (platform and channel), in a fixed window that starts at the first refused attempt — and once either
 * reaches its limit, `join` is refused for the rest of the window without the code even being looked up.
 *
 * An attempt is counted *before* its code is looked up and given back when the code was right (`reserve`, then
 * `release`), so that a burst of simultaneous guesses cannot all pass the check before any of them is counted.
 *
 * With the defaults a person has 5 guesses in 15 minutes, against 32^8 ≈ 1.1e12 codes.
 *
 * @example
 *   const limit = defaultJoinLimit; // 5 per person, 10 per conversation, per 15 minutes
 *   const subjects = joinSubjects(actor, where, limit);
 */
export interface JoinLimit {
  /** Refused `join`s one person may have in a window. */
  perPerson: number;
  /** Refused `join`s one conversation may have in a window (higher: several people there may mistype). */
  perConversation: number;
  /** The window, from a subject's first refused attempt (ms). */
  windowMs: number;
}

export const defaultJoinLimit: JoinLimit = { perPerson: 5, perConversation: 10, windowMs: 15 * 60 * 1000 };

/** Who or where attempts are counted for. */
export type JoinSubjectKind = "person" | "conversation";

/** One counter: what it counts, its id (`<platform>:<user>@<team>`, `<platform>:<channel>`) and its limit. */
export interface JoinSubject {
  kind: JoinSubjectKind;
  id: string;
  limit: number;
}

/** The person's and the conversation's counters for a `join` by `actor` in `where`. */
export function joinSubjects(actor: Identity, where: ChatLocation, limit: JoinLimit): [JoinSubject, JoinSubject] {
  return [
    { kind: "person", id: `${actor.platform}:${actor.userId}@${actor.teamId ?? ""}`, limit: limit.perPerson },
    { kind: "conversation", id: `${where.platform}:${where.channelId}`, limit: limit.perConversation },
  ];
}

/** A reservation: counted for every subject, or refused because one of them is at its limit (nothing counted). */
export type JoinAttempt =
  { ok: true; counts: number[] } | { ok: false; lockedBy: JoinSubjectKind; retryAfterMs: number };

/** The attempt counters, atomically over a person's and a conversation's (adapters/redis/join-attempt-counter.ts). */
export interface JoinAttemptCounter {
  /**
   * Counts one attempt for each subject, unless one is at its limit already: then nothing is counted and the first
   * such subject and how long its window still runs come back. A subject's window starts with its first count.
   */
  reserve(subjects: JoinSubject[], windowMs: number): Promise<JoinAttempt>;
  /** Gives an attempt back (its code was right: it was no refused attempt). */
  release(subjects: JoinSubject[]): Promise<void>;
}

/** Why a `join` was refused: its code unknown, used or expired, or the person or conversation locked out. */
export type JoinRefusalReason = "unknown" | "used" | "expired" | "locked";

/**
 * A refused `join`, for the operators (a warning in the log and `offboard_join_refused_total{because}`). An unknown
 * code belongs to no case, so it has no audit trail to go on: this is where it is recorded, by hash only. A used or
 * expired code is audited on its case as well (`join.denied`).
 */
export interface JoinRefusal {
  because: JoinRefusalReason;
  actor: Identity;
  where: ChatLocation;
  /** The keyed hash of the code tried (LinkCodeStore.hashOf); absent when locked (the code was not even read). */
  codeHash?: string;
  /** The case of a used or expired code. */
  caseId?: string;
  /** Locked: whose counter is at its limit, and for how long still. */
  lockedBy?: JoinSubjectKind;
  retryAfterMs?: number;
  /** The subjects this refusal brought to their limit: a lock starts now. */
  nowLocked?: JoinSubjectKind[];
}

/** Told of every refused `join` (the composition root logs it and counts it). */
export interface JoinRefusalObserver {
  joinRefused(refusal: JoinRefusal): void;
}
