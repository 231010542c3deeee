/**
 * Accepting webhook deliveries: signature check (HMAC-SHA256 with the webhook secret), then each
 * delivery id claimed once in the DeliveryLog inbox (atomic, with its payload) and processed in the
 * background, so GitHub gets its answer at once. The claim is a lease renewed while processing; a
 * failed processing is tried again (a redelivery, or `recover`), and so is one a crash cut short.
 */
import { verify } from '@octokit/webhooks-methods';
import type { Log } from './deps.ts';
import type { Delivery, DeliveryLog } from './ports.ts';

export type { Delivery };

export type DeliveryOutcome = 'accepted' | 'duplicate';

export interface WebhookReceiverOptions {
  secret: string;
  deliveries: DeliveryLog;
  dispatch: (delivery: Delivery) => Promise<void>;
  log: Log;
  /** How long a claim holds without renewal (default 60 s): a replica that died is taken over after it. */
  leaseMs?: number;
  /** First wait before a failed delivery is tried again by `recover` (default 30 s; doubles each time). */
  retryMs?: number;
}

export class WebhookReceiver {
  readonly #options: WebhookReceiverOptions;
  readonly #inflight = new Map<string, Promise<void>>();
  #renewing: ReturnType<typeof setInterval> | undefined;

  constructor(options: WebhookReceiverOptions) {
    this.#options = options;
  }

  /** True only for a well-formed `sha256=` signature of exactly these bytes. */
  async verify(body: string, signature: string | undefined): Promise<boolean> {
    if (signature === undefined || !/^sha256=[0-9a-f]{64}$/i.test(signature)) return false;
    try {
      return await verify(this.#options.secret, body, signature);
    } catch {
      return false;
    }
  }

  /** Claims the delivery and starts processing it; a second delivery with the same id is a duplicate. */
  async accept(delivery: Delivery): Promise<DeliveryOutcome> {
    if (!(await this.#options.deliveries.claim(delivery, this.#leaseMs))) {
      this.#options.log.info({ delivery: delivery.id, event: delivery.name }, 'duplicate delivery ignored');
      return 'duplicate';
    }
    this.#begin(delivery, 0);
    return 'accepted';
  }

  /**
   * Processes again the deliveries whose processing ended unfinished (a replica that died, an error
   * past its retry delay), up to `limit`; resolves with how many, once they are processed.
   */
  async recover(limit = 20): Promise<number> {
    const taken = await this.#options.deliveries.takeUnfinished(limit, this.#leaseMs);
    for (const d of taken) {
      this.#options.log.info(
        { delivery: d.id, event: d.name, attempts: d.attempts },
        `processing delivery ${d.id} (${d.name}) again: its processing did not finish`,
      );
    }
    await Promise.allSettled(
      taken.map((d) => this.#begin({ id: d.id, name: d.name, payload: d.payload }, d.attempts)),
    );
    return taken.length;
  }

  /** Resolves when every accepted delivery has been processed (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight.values()]);
  }

  get #leaseMs(): number {
    return this.#options.leaseMs ?? 60_000;
  }

  #begin(delivery: Delivery, attempts: number): Promise<void> {
    const work = this.#process(delivery, attempts);
    this.#inflight.set(delivery.id, work);
    this.#renewing ??= setInterval(() => this.#renew(), Math.max(50, this.#leaseMs / 3));
    this.#renewing.unref?.();
    void work.finally(() => {
      if (this.#inflight.get(delivery.id) === work) this.#inflight.delete(delivery.id);
      if (this.#inflight.size === 0 && this.#renewing !== undefined) {
        clearInterval(this.#renewing);
        this.#renewing = undefined;
      }
    });
    return work;
  }

  #renew(): void {
    if (this.#inflight.size === 0) return;
    this.#options.deliveries
      .extend([...this.#inflight.keys()], this.#leaseMs)
      .catch((e: Error) =>
        this.#options.log.warn(
          { err: e },
          `renewing the claims of deliveries in progress failed: ${e.message}`,
        ),
      );
  }

  async #process(delivery: Delivery, attempts: number): Promise<void> {
    try {
      await this.#options.dispatch(delivery);
      await this.#options.deliveries.complete(delivery.id);
    } catch (error) {
      const errors = error instanceof AggregateError ? error.errors : [error];
      const message = errors.map((e) => (e as Error).message).join('; ');
      const retryMs = Math.min(60 * 60_000, (this.#options.retryMs ?? 30_000) * 2 ** attempts);
      await this.#options.deliveries.fail(delivery.id, retryMs, message).catch(() => undefined);
      for (const e of errors) {
        this.#options.log.error(
          { err: e, delivery: delivery.id, event: delivery.name },
          `delivery ${delivery.id} (${delivery.name}) failed: ${(e as Error).message}`,
        );
      }
    }
  }
}
