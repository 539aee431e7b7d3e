import type { SeededRandom } from "./random";

/** Faults the sandbox injects, settable at start and while it runs (`POST /_sandbox/faults`). */
export interface FaultOptions {
  /** Added to every AWS call, in milliseconds. */
  latencyMs?: number;
  /** Fraction (0–1) of AWS calls answered with the service's throttling error. */
  throttleRate?: number;
  /** The next N Organizations calls fail with `ConcurrentModificationException`. */
  concurrentModificationBurst?: number;
  /**
   * IAM eventual consistency: the next N deletes of an entity something was just detached from (a policy from a
   * role, a user from a group, a role from an instance profile, …) answer DeleteConflict although nothing hangs on it
   * any more. IAM User Guide, "Changes that I make are not always immediately visible" (IAM is eventually
   * consistent).
   */
  iamDetachLag?: number;
  /**
   * The next N login-profile changes (DeleteLoginProfile, CreateLoginProfile, UpdateLoginProfile) answer
   * EntityTemporarilyUnmodifiable, the error their IAM API reference pages list ("likely to succeed if you try
   * again after waiting several minutes").
   */
  iamTemporarilyUnmodifiable?: number;
  /**
   * The next N membership changes (RemoveAccountFromOrganization, LeaveOrganization, AcceptHandshake) answer
   * ConstraintViolationException (HandshakeConstraintViolationException for AcceptHandshake) with reason
   * ORGANIZATION_MEMBERSHIP_CHANGE_RATE_LIMIT_EXCEEDED (Organizations API reference, ConstraintViolationException).
   */
  membershipChangeRateLimit?: number;
  /**
   * The next N calls of each named operation (`<service>:<Operation>`, as in the counters) are throttled,
   * e.g. `{ "secretsmanager:GetSecretValue": 5 }`: a failure of one call, whatever the others do. Setting
   * an operation replaces its count; 0 clears it.
   */
  throttleNext?: Record<string, number>;
  /** Only these Organizations operations take the ConcurrentModificationException burst; empty or absent = all. */
  concurrentModificationOperations?: string[];
}

/** The faults in force; decisions draw from the sandbox's seeded random source, so a seed replays them. */
export class Faults {
  latencyMs = 0;
  throttleRate = 0;
  concurrentModificationBurst = 0;
  iamDetachLag = 0;
  iamTemporarilyUnmodifiable = 0;
  membershipChangeRateLimit = 0;
  readonly throttleNext = new Map<string, number>();
  concurrentModificationOperations: string[] = [];

  constructor(private readonly random: SeededRandom) {}

  set(f: FaultOptions): void {
    if (f.latencyMs !== undefined) this.latencyMs = checkNumber("latencyMs", f.latencyMs, 0, 60_000);
    if (f.throttleRate !== undefined) this.throttleRate = checkNumber("throttleRate", f.throttleRate, 0, 1);
    if (f.concurrentModificationBurst !== undefined)
      this.concurrentModificationBurst = Math.floor(
        checkNumber("concurrentModificationBurst", f.concurrentModificationBurst, 0, 1_000_000),
      );
    for (const name of ["iamDetachLag", "iamTemporarilyUnmodifiable", "membershipChangeRateLimit"] as const)
      if (f[name] !== undefined) this[name] = Math.floor(checkNumber(name, f[name], 0, 1_000_000));
    if (f.throttleNext !== undefined) {
      if (typeof f.throttleNext !== "object" || f.throttleNext === null || Array.isArray(f.throttleNext))
        throw new RangeError('throttleNext must be an object like {"secretsmanager:GetSecretValue": 3}');
      for (const [operation, count] of Object.entries(f.throttleNext)) {
        const n = Math.floor(checkNumber(`throttleNext["${operation}"]`, count, 0, 1_000_000));
        if (n === 0) this.throttleNext.delete(operation);
        else this.throttleNext.set(operation, n);
      }
    }
    if (f.concurrentModificationOperations !== undefined) {
      const ops: unknown = f.concurrentModificationOperations;
      if (!Array.isArray(ops) || !ops.every((o) => typeof o === "string"))
        throw new RangeError("concurrentModificationOperations must be a list of operation names");
      this.concurrentModificationOperations = [...(ops as string[])];
    }
  }

  get(): Required<FaultOptions> {
    return {
      latencyMs: this.latencyMs,
      throttleRate: this.throttleRate,
      concurrentModificationBurst: this.concurrentModificationBurst,
      iamDetachLag: this.iamDetachLag,
      iamTemporarilyUnmodifiable: this.iamTemporarilyUnmodifiable,
      membershipChangeRateLimit: this.membershipChangeRateLimit,
      throttleNext: Object.fromEntries(this.throttleNext),
      concurrentModificationOperations: this.concurrentModificationOperations,
    };
  }

  /** True (and one fewer left) while a counted fault (`iamDetachLag`, …) lasts. */
  take(name: "iamDetachLag" | "iamTemporarilyUnmodifiable" | "membershipChangeRateLimit"): boolean {
    if (this[name] <= 0) return false;
    this[name]--;
    return true;
  }

  /** Whether this call of `<service>:<Operation>` is throttled: one of its next N, or by the random rate. */
  shouldThrottle(operation?: string): boolean {
    const left = operation === undefined ? undefined : this.throttleNext.get(operation);
    if (left !== undefined) {
      if (left <= 1) this.throttleNext.delete(operation!);
      else this.throttleNext.set(operation!, left - 1);
      return true;
    }
    return this.throttleRate > 0 && this.random.next() < this.throttleRate;
  }

  /** True (and one fewer left) while a ConcurrentModificationException burst is in progress. */
  takeConcurrentModification(operation: string): boolean {
    if (this.concurrentModificationBurst <= 0) return false;
    const only = this.concurrentModificationOperations;
    if (only.length > 0 && !only.includes(operation)) return false;
    this.concurrentModificationBurst--;
    return true;
  }
}

function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}
