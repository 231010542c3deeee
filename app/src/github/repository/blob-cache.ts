/**
 * Blob texts by SHA, least recently used evicted. Blobs are immutable and content-addressed, so a
 * cache hit is always right; it spares the API calls for flows that did not change between commits.
 */
import { LRUCache } from 'lru-cache';

export class BlobCache {
  readonly #entries: LRUCache<string, string>;

  constructor(maxEntries = 5000) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  get(sha: string): string | undefined {
    return this.#entries.get(sha);
  }

  set(sha: string, text: string): void {
    this.#entries.set(sha, text);
  }
}
