/**
 * Blob texts by SHA, least recently used evicted. Blobs are immutable and content-addressed, so a
 * cache hit is always right; it spares the API calls for flows that did not change between commits.
 */
export class BlobCache {
  readonly #max: number;
  readonly #entries = new Map<string, string>();

  constructor(maxEntries = 5000) {
    this.#max = maxEntries;
  }

  get(sha: string): string | undefined {
    const text = this.#entries.get(sha);
    if (text !== undefined) {
      this.#entries.delete(sha);
      this.#entries.set(sha, text);
    }
    return text;
  }

  set(sha: string, text: string): void {
    this.#entries.delete(sha);
    this.#entries.set(sha, text);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
