/**
 * Parallel batch pipelines ("lanes") with ordering inside each lane. A lane runs one batch at a time, in
 * submission order; lanes run side by side, each on its own database connection. The loader puts every
 * NCT id in a fixed lane, so the same study never sits in two concurrent transactions (no lock waits, and
 * duplicates across batches are resolved in order).
 *
 * Backpressure: `submit` returns once the lane has taken the batch, i.e. after the lane's previous batch
 * finished; the producer therefore holds at most one running and one filling batch per lane in memory.
 */
export class BatchLanes {
  readonly #running: (Promise<void> | undefined)[];
  #error: unknown;
  #failed = false;

  constructor(readonly size: number) {
    this.#running = Array.from({ length: size }, () => undefined);
  }

  /** The first error a batch threw, if any; later batches are refused once one failed. */
  get failed(): boolean {
    return this.#failed;
  }
  get error(): unknown {
    return this.#error;
  }

  /** Waits for lane `lane`'s previous batch, then starts `task` without waiting for it. */
  async submit(lane: number, task: () => Promise<void>): Promise<void> {
    await this.#running[lane];
    if (this.#failed) return;
    this.#running[lane] = task().catch((error: unknown) => {
      if (!this.#failed) {
        this.#failed = true;
        this.#error = error;
      }
    });
  }

  /** Waits for every lane to finish its running batch. */
  async drain(): Promise<void> {
    await Promise.all(this.#running);
  }
}
