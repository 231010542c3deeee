/**
 * Results leave in batches without waiting for one: a result is sent at once when no batch is in
 * flight, and the results that finish while one is in flight go together in the next. An
 * unreachable app is retried with back-off (the app applies each result once); each caller hears
 * what the app said about its own result.
 */
import type { JobResult } from '../../../protocol/src/job.ts';
import type { LeaseRef, ResultsResponse } from '../../../protocol/src/runner-protocol.schema.ts';
import { type RetryOptions, type RunnerClient, retrying } from './runner-client.ts';

type Outcome = ResultsResponse['results'][number];

interface Waiting {
  lease: LeaseRef;
  result: ReturnType<typeof resultBody>;
  resolve(o: Outcome): void;
  reject(e: unknown): void;
}

/** At most this many results per request (the protocol's limit). */
const MAX_BATCH = 500;

export class ResultSender {
  readonly #client: RunnerClient;
  readonly #retry: () => RetryOptions;
  readonly #waiting: Waiting[] = [];
  #sending = false;

  /** `retry` is asked for each batch (the back-off follows the app's heartbeat pace). */
  constructor(client: RunnerClient, retry: () => RetryOptions) {
    this.#client = client;
    this.#retry = retry;
  }

  send(lease: LeaseRef, result: JobResult): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ lease, result: resultBody(result), resolve, reject });
      if (!this.#sending) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const res = await retrying(
            () => this.#client.results(batch.map((w) => ({ ...w.lease, result: w.result }))),
            this.#retry(),
          );
          for (const [i, w] of batch.entries())
            w.resolve(res.results[i] ?? { jobId: w.lease.jobId, status: 'unknown' });
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.#sending = false;
    }
  }
}

/** The part of a job result the app takes (the job id travels beside it). */
export function resultBody(r: JobResult) {
  return {
    state: r.state,
    ...(r.outputs === undefined ? {} : { outputs: r.outputs }),
    ...(r.effects === undefined ? {} : { effects: r.effects }),
    ...(r.error === undefined ? {} : { error: r.error }),
    ...(r.retryable === undefined ? {} : { retryable: r.retryable }),
  };
}
