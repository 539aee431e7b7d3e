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
}

/** The faults in force; decisions draw from the sandbox's seeded random source, so a seed replays them. */
export class Faults {
  latencyMs = 0;
  throttleRate = 0;
  concurrentModificationBurst = 0;
  iamDetachLag = 0;
  iamTemporarilyUnmodifiable = 0;
  membershipChangeRateLimit = 0;

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
  }

  get(): Required<FaultOptions> {
    return {
      latencyMs: this.latencyMs,
      throttleRate: this.throttleRate,
      concurrentModificationBurst: this.concurrentModificationBurst,
      iamDetachLag: this.iamDetachLag,
      iamTemporarilyUnmodifiable: this.iamTemporarilyUnmodifiable,
      membershipChangeRateLimit: this.membershipChangeRateLimit,
    };
  }

  /** True (and one fewer left) while a counted fault (`iamDetachLag`, …) lasts. */
  take(name: "iamDetachLag" | "iamTemporarilyUnmodifiable" | "membershipChangeRateLimit"): boolean {
    if (this[name] <= 0) return false;
    this[name]--;
    return true;
  }

  shouldThrottle(): boolean {
    return this.throttleRate > 0 && this.random.next() < this.throttleRate;
  }

  /** True (and one fewer left) while a ConcurrentModificationException burst is in progress. */
  takeConcurrentModification(): boolean {
    if (this.concurrentModificationBurst <= 0) return false;
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
