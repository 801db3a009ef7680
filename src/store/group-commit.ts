/**
 * Group commit: appends made while a commit is being written (or within the same tick) are written
 * together by the next one, so many requests share one transaction (one fsync on SQLite, one
 * multi-row insert on PostgreSQL). Each append's promise settles only once its own commit did:
 * with that commit's result for the item, or with its error (a failed commit rejects every item
 * in it, so none is acknowledged). One commit is written at a time.
 */
export class GroupCommit<T, R> {
  private waiting: { item: T; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    /** Writes the items in one transaction; returns one result per item, in order. */
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  append(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // The requests arriving in this tick join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.commit(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i] as R));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
  }
}
