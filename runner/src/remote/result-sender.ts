/**
 * Results leave in batches without waiting for one: a result is sent at once when no batch is in
 * flight, and the results that finish while one is in flight go together in the next. An
 * unreachable app is retried with back-off (the app applies each result once); each caller hears
 * what the app said about its own result.
 *
 * With a server of protocol 2 a batch also carries each job's last log lines and a claim for the
 * slots its results free; the server answers it from the same transaction, usually with the next
 * task of the execution, so a task costs one request. A claim rides only on a batch's first try:
 * when that try gets no answer the server may have leased jobs the runner never heard of, which
 * `unanswered()` reports (the runner hands them back before it claims again). A server that refuses
 * the new fields (an older one behind the same address) is spoken to in protocol 1 from then on.
 */
import type { JobLog, JobResult } from '../../../protocol/src/job.ts';
import { logger } from '../../../protocol/src/logger.ts';
import type {
  LeaseRef,
  ResultsRequest,
  ResultsResponse,
} from '../../../protocol/src/runner-protocol.schema.ts';
import {
  ProtocolError,
  type RetryOptions,
  type RunnerClient,
  retrying,
  Unreachable,
} from './runner-client.ts';

const log = logger('runner');

type Outcome = ResultsResponse['results'][number];

interface Waiting {
  lease: LeaseRef;
  result: ReturnType<typeof resultBody>;
  logs: JobLog[];
  resolve(o: Outcome): void;
  reject(e: unknown): void;
}

export interface ResultSenderHooks {
  /** The server said it speaks protocol 2 (logs and a claim with results). */
  protocol2(): boolean;
  /** The server refused protocol 2's fields: use protocol 1 from now on. */
  downgrade(): void;
  /** Whether a claim may ride on the batch about to leave (its worker group, and whether folders are held). */
  claim(): Omit<NonNullable<ResultsRequest['claim']>, 'max'> | undefined;
  /** The answer to a claim (jobs leased, folders ended): heard before the results' own callers hear back. */
  onClaimAnswer(res: ResultsResponse): void;
  /** A batch carrying a claim got no answer: jobs may be leased to this runner that it never saw. */
  unanswered(): void;
}

/** At most this many results per request (the protocol's limit). */
const MAX_BATCH = 500;

export class ResultSender {
  readonly #client: RunnerClient;
  readonly #retry: () => RetryOptions;
  readonly #hooks: ResultSenderHooks | undefined;
  readonly #waiting: Waiting[] = [];
  #sending = false;
  /** Settles when the request carrying a claim (if one is in flight) has its answer or failed. */
  #claiming: Promise<unknown> = Promise.resolve();

  /** `retry` is asked for each batch (the back-off follows the app's heartbeat pace). */
  constructor(client: RunnerClient, retry: () => RetryOptions, hooks?: ResultSenderHooks) {
    this.#client = client;
    this.#retry = retry;
    this.#hooks = hooks;
  }

  /** `logs`: the job's lines not sent yet (stored before its result either way). */
  send(lease: LeaseRef, result: JobResult, logs: JobLog[] = []): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ lease, result: resultBody(result), logs, resolve, reject });
      if (!this.#sending) void this.#drain();
    });
  }

  /** Resolves once no request carrying a claim is in flight. */
  claimSettled(): Promise<void> {
    return this.#claiming.then(
      () => undefined,
      () => undefined,
    );
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const res = await this.#sendBatch(batch);
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

  async #sendBatch(batch: Waiting[]): Promise<ResultsResponse> {
    const retry = this.#retry();
    if (this.#hooks?.protocol2() === true) {
      const claim = this.#hooks.claim();
      let first = true;
      const attempt = (): Promise<ResultsResponse> => {
        const withClaim = first && claim !== undefined;
        first = false;
        const sent = this.#client.results(
          batch.map((w) => ({
            ...w.lease,
            result: w.result,
            ...(w.logs.length === 0 ? {} : { logs: w.logs }),
          })),
          withClaim ? { ...claim, max: batch.length } : undefined,
        );
        if (withClaim) {
          this.#claiming = sent;
          sent.catch((e) => {
            if (e instanceof Unreachable) this.#hooks?.unanswered();
          });
        }
        return sent;
      };
      try {
        const res = await retrying(attempt, retry);
        if (res.jobs !== undefined) this.#hooks.onClaimAnswer(res);
        return res;
      } catch (e) {
        // An older server behind the same address: it does not know the new fields.
        if (
          !(
            e instanceof ProtocolError &&
            e.status === 400 &&
            /Unrecognized key.*"(logs|claim)"/.test(e.message)
          )
        )
          throw e;
        this.#hooks.downgrade();
      }
    }
    for (const w of batch) {
      if (w.logs.length === 0) continue;
      await retrying(() => this.#client.logs(w.lease, w.logs), { ...retry, forMs: 30_000 }).catch(
        (e: Error) => log.error(`${w.logs.length} log line(s) could not be sent: ${e.message}`),
      );
    }
    return retrying(() => this.#client.results(batch.map((w) => ({ ...w.lease, result: w.result }))), retry);
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
