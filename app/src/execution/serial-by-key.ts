/**
 * The one keyed serial queue: runs async work one at a time per key, in arrival order, different
 * keys concurrently; a failure does not stop the work queued after it. A key is forgotten once its
 * work is done, so unbounded keys (execution ids, repository branches) cost nothing when idle.
 * Used for one flow's admissions, one execution's engine steps, one branch's deployments.
 */
export class SerialByKey {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.#tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  get size(): number {
    return this.#tails.size;
  }
}
