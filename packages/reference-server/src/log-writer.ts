/**
 * Group commit for the decision log. Decisions that finish evaluating in the same turn of the event loop are
 * appended together in one transaction (one fsync), and each caller's promise resolves only after that commit:
 * the server answers `201` for a decision only once it is durably stored. When the commit fails, every caller in
 * the group gets the error and none of them is acknowledged. With a storage that groups appends itself
 * (`groupsAppends`, the SQLite writer thread), each turn's group is sent at once, without waiting for the
 * previous commit: the storage folds the groups that wait into its next transaction.
 */
import { StorageUnavailableError, type ChainLink, type LinkedLogRow, type NewLogRow, type Storage } from './storage/types.js';

interface Waiting {
  records: NewLogRow[];
  resolve: (stored: LinkedLogRow[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches appends to a storage.
 *
 * @example
 * ```ts
 * const writer = new LogWriter(storage);
 * const [stored] = await writer.append([record]);
 * ```
 */
export class LogWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  /** The highest record this writer saw committed: the log may not end below it while the process lives. */
  acknowledged: { seq: number; hash: string } | undefined;
  /**
   * The storage error of the last append, until an append succeeds or `/readyz` finds storage writable again
   * ({@link LogWriter.clearFailure}): while it is set, readiness checks with a write where the storage can.
   */
  lastFailure: { reason: string; at: string } | undefined;

  /** Forgets `failure` (storage was found writable), unless a newer append failed since. */
  clearFailure(failure: { reason: string; at: string }): void {
    if (this.lastFailure === failure) this.lastFailure = undefined;
  }

  /**
   * @param storage - where records go
   * @param maxGroup - most records in one transaction (default 5000)
   */
  constructor(
    private readonly storage: Storage,
    private readonly maxGroup = 5000,
  ) {}

  /**
   * Appends records (in order, contiguous in the chain) and resolves after their commit.
   *
   * @throws StorageUnavailableError when the commit fails
   */
  append<T extends NewLogRow>(records: T[]): Promise<Array<T & ChainLink>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve: resolve as unknown as (stored: LinkedLogRow[]) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.storage.groupsAppends) {
            const sent = this.flush();
            this.flushing = Promise.all([this.flushing, sent]).then(() => undefined);
          } else {
            this.flushing = this.flushing.then(() => this.flush());
          }
        });
      }
    });
  }

  /** Resolves when every append queued so far has settled. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) {
      await new Promise((r) => setImmediate(r));
      await this.flushing;
    }
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const sends: Array<Promise<void>> = [];
    while (this.queue.length > 0) {
      const group: Waiting[] = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + (this.queue[0]?.records.length ?? 0) <= this.maxGroup)) {
        const next = this.queue.shift() as Waiting;
        group.push(next);
        size += next.records.length;
      }
      const send = this.storage.appendDecisions(group.flatMap((w) => w.records)).then(
        (stored) => {
          this.lastFailure = undefined;
          const last = stored[stored.length - 1];
          if (last && (!this.acknowledged || last.seq > this.acknowledged.seq)) this.acknowledged = { seq: last.seq, hash: last.hash };
          let offset = 0;
          for (const w of group) {
            w.resolve(stored.slice(offset, offset + w.records.length));
            offset += w.records.length;
          }
        },
        (error: unknown) => {
          if (error instanceof StorageUnavailableError) this.lastFailure = { reason: error.message, at: new Date().toISOString() };
          for (const w of group) w.reject(error);
        },
      );
      if (this.storage.groupsAppends) sends.push(send);
      else await send;
    }
    await Promise.all(sends);
  }
}
