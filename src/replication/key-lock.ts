/**
 * Serialises work per record key inside one instance. A write that fails its quorum restores the
 * previous state of its records; without this, that restore could overwrite a later write of the
 * same record that was already acknowledged.
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const previous = unique.map((key) => this.tails.get(key));
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    // Claim every key synchronously, so two batches sharing keys can never wait on each other.
    for (const key of unique) this.tails.set(key, done);
    try {
      await Promise.all(previous);
      return await work();
    } finally {
      release();
      for (const key of unique) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }
}
