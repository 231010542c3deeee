/**
 * Accepting webhook deliveries: signature check (HMAC-SHA256 with the webhook secret), then each
 * delivery id processed once (the DeliveryLog claim is atomic), processed in the background so
 * GitHub gets its answer at once. A failed delivery is released so a redelivery can process it.
 */
import { verify } from '@octokit/webhooks-methods';
import type { Log } from './deps.ts';
import type { DeliveryLog } from './ports.ts';

export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

export type DeliveryOutcome = 'accepted' | 'duplicate';

export interface WebhookReceiverOptions {
  secret: string;
  deliveries: DeliveryLog;
  dispatch: (delivery: Delivery) => Promise<void>;
  log: Log;
}

export class WebhookReceiver {
  readonly #options: WebhookReceiverOptions;
  readonly #inflight = new Set<Promise<void>>();

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
    if (!(await this.#options.deliveries.claim(delivery.id, delivery.name))) {
      this.#options.log.info({ delivery: delivery.id, event: delivery.name }, 'duplicate delivery ignored');
      return 'duplicate';
    }
    const work = this.#process(delivery);
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
    return 'accepted';
  }

  /** Resolves when every accepted delivery has been processed (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  async #process(delivery: Delivery): Promise<void> {
    try {
      await this.#options.dispatch(delivery);
      await this.#options.deliveries.complete?.(delivery.id);
    } catch (error) {
      await this.#options.deliveries.release(delivery.id).catch(() => undefined);
      for (const e of error instanceof AggregateError ? error.errors : [error]) {
        this.#options.log.error(
          { err: e, delivery: delivery.id, event: delivery.name },
          `delivery ${delivery.id} (${delivery.name}) failed: ${(e as Error).message}`,
        );
      }
    }
  }
}
