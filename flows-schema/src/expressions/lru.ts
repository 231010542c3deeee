/**
 * A small least-recently-used cache bounded by entry count and by the total size of its keys
 * (templates can be whole scripts), so caching parsed templates never grows without limit.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;
  readonly #maxKeyChars: number;
  #keyChars = 0;

  constructor(maxEntries: number, maxKeyChars: number) {
    this.#maxEntries = maxEntries;
    this.#maxKeyChars = maxKeyChars;
  }

  get(key: string): V | undefined {
    const entries = this.#entries;
    const value = entries.get(key);
    if (value !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      entries.delete(key);
      entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (key.length > this.#maxKeyChars) return;
    const entries = this.#entries;
    if (entries.delete(key)) this.#keyChars -= key.length;
    entries.set(key, value);
    this.#keyChars += key.length;
    while (entries.size > this.#maxEntries || this.#keyChars > this.#maxKeyChars) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
      this.#keyChars -= oldest.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
