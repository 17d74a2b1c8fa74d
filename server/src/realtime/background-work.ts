/**
 * Work a server starts after it answered (a store's receipts to its hub, a wall's new figures),
 * kept so that closing the server waits for what is running and starts nothing new: otherwise
 * such work outlives the pool and Redis connection it needs and fails noisily after shutdown.
 */
export class BackgroundWork {
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  /** Runs the task now, unless the server is closing; its failure is the task's to log. */
  run(task: () => Promise<void>): void {
    if (this.#closed) return;
    const running: Promise<void> = task()
      .catch(() => undefined)
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /**
   * Starts nothing more and waits for what runs, at most `maxWaitMs`: a delivery may be waiting
   * for a hub's answer long after its database work is done, and shutdown does not wait for that.
   */
  async close(maxWaitMs = 2000): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([Promise.allSettled([...this.#running]), bound]);
    clearTimeout(timer);
  }
}
