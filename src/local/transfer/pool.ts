/**
 * Bounded concurrency for file copies. A few copies in flight keep the disk queue busy
 * while the directory walk and bookkeeping run; `submit` waits for a free slot so the walk
 * never races ahead of the copies by more than the pool size. The first failure is kept
 * and rethrown by `drain`; later submissions are refused once one job failed.
 */
export class Pool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly size: number) {}

  async submit(job: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    while (this.running.size >= this.size) {
      await Promise.race(this.running);
      this.throwIfFailed();
    }
    const p: Promise<void> = job()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.race(this.running);
    this.throwIfFailed();
  }

  /** Wait for in-flight jobs without rethrowing: used on the error path so no copy outlives its task. */
  async settle(): Promise<void> {
    while (this.running.size) await Promise.race(this.running);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
