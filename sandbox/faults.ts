import type { SeededRandom } from "./random";

/** Faults the sandbox injects, settable at start and while it runs (`POST /_sandbox/faults`). */
export interface FaultOptions {
  /** Added to every AWS call, in milliseconds. */
  latencyMs?: number;
  /** Fraction (0–1) of AWS calls answered with the service's throttling error. */
  throttleRate?: number;
  /** The next N Organizations calls fail with `ConcurrentModificationException`. */
  concurrentModificationBurst?: number;
}

/** The faults in force; decisions draw from the sandbox's seeded random source, so a seed replays them. */
export class Faults {
  latencyMs = 0;
  throttleRate = 0;
  concurrentModificationBurst = 0;

  constructor(private readonly random: SeededRandom) {}

  set(f: FaultOptions): void {
    if (f.latencyMs !== undefined) this.latencyMs = checkNumber("latencyMs", f.latencyMs, 0, 60_000);
    if (f.throttleRate !== undefined) this.throttleRate = checkNumber("throttleRate", f.throttleRate, 0, 1);
    if (f.concurrentModificationBurst !== undefined)
      this.concurrentModificationBurst = Math.floor(
        checkNumber("concurrentModificationBurst", f.concurrentModificationBurst, 0, 1_000_000),
      );
  }

  get(): Required<FaultOptions> {
    return {
      latencyMs: this.latencyMs,
      throttleRate: this.throttleRate,
      concurrentModificationBurst: this.concurrentModificationBurst,
    };
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
