/**
 * The work still running after Slack was answered. Listeners acknowledge first and work after, so a
 * graceful stop (and a test) must wait for that work: `idle()` resolves once nothing is running. It
 * holds promises only, never case state.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  run<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.add(promise);
    const forget = (): void => {
      this.running.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Resolves when every piece of work, including work started while waiting, has finished. Yields to
   * the event loop first, so a request whose HTTP answer was just read has had its turn to register.
   */
  async idle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
