/**
 * Per-operation call counts, keyed `<service>:<Operation>` and `<service>:<Operation>:<accountId>`
 * (the account the call acts on), plus `sandbox:throttled` and `sandbox:concurrentModification` for
 * injected faults. Benchmarks and tests read them to prove how many AWS calls a flow makes.
 */
export class Counters {
  private readonly counts = new Map<string, number>();

  count(service: string, operation: string, accountId?: string): void {
    this.bump(`${service}:${operation}`);
    if (accountId) this.bump(`${service}:${operation}:${accountId}`);
  }

  bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts.clear();
  }
}
