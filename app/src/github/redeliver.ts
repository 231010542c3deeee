/**
 * Nothing GitHub sent is lost: GitHub does not redeliver a webhook it failed to deliver (Osprey was
 * down, unreachable, or answered an error), so on start and then periodically every replica
 *
 * 1. processes again the deliveries of its inbox whose processing ended unfinished (a replica that
 *    died mid-way, a failure past its retry delay) — `WebhookReceiver.recover`;
 * 2. lists the App's recent deliveries (`GET /app/hook/deliveries`, App JWT) and asks GitHub to
 *    redeliver (`POST /app/hook/deliveries/{id}/attempts`) each event (guid) that has no successful
 *    delivery and that Osprey never received.
 *
 * Replicas need no election: a redelivery asked for twice arrives twice and is claimed once.
 */

import type { Log } from './deps.ts';
import { callGitHub } from './github-errors.ts';
import type { DeliveryLog } from './ports.ts';
import type { GitHubClient } from './repository/github-client.ts';
import type { WebhookReceiver } from './webhook-receiver.ts';

/** One entry of `GET /app/hook/deliveries` (the fields Osprey reads). */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action?: string | null;
}

export interface DeliveryReconcilerOptions {
  receiver: WebhookReceiver;
  deliveries: DeliveryLog;
  /** A client authenticated as the App itself (JWT), e.g. `await probot.auth()`. */
  appClient: () => Promise<GitHubClient>;
  log: Log;
  /** Between two passes (default 5 minutes). */
  intervalMs?: number;
  /** How far back deliveries are looked at (default 24 hours; GitHub redelivers up to 3 days). */
  windowMs?: number;
  now?: () => number;
}

export interface ReconcileReport {
  /** Inbox deliveries processed again. */
  recovered: number;
  /** Events GitHub was asked to deliver again. */
  redelivered: number;
}

const PAGE = 100;
const MAX_PAGES = 20;

export class DeliveryReconciler {
  readonly #options: DeliveryReconcilerOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(options: DeliveryReconcilerOptions) {
    this.#options = options;
  }

  /** A first pass now, then one every `intervalMs`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass; errors are logged, never thrown (the next pass tries again). */
  async runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { recovered: 0, redelivered: 0 };
    try {
      report.recovered = await this.#options.receiver.recover(50);
    } catch (e) {
      this.#options.log.error(
        { err: e },
        `processing unfinished deliveries again failed: ${(e as Error).message}`,
      );
    }
    try {
      report.redelivered = await this.#redeliverFailed();
    } catch (e) {
      this.#options.log.error(
        { err: e },
        `looking for webhook deliveries GitHub could not make failed: ${(e as Error).message}; trying again at the next pass`,
      );
    }
    return report;
  }

  #tick(): void {
    if (this.#stopped) return;
    const pass = this.runOnce().finally(() => {
      if (this.#running === pass) this.#running = undefined;
      if (this.#stopped) return;
      this.#timer = setTimeout(() => this.#tick(), this.#options.intervalMs ?? 5 * 60_000);
      this.#timer.unref?.();
    });
    this.#running = pass;
  }

  async #redeliverFailed(): Promise<number> {
    const client = await this.#options.appClient();
    const since = (this.#options.now ?? Date.now)() - (this.#options.windowMs ?? 24 * 60 * 60_000);
    const byGuid = new Map<string, HookDelivery[]>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await callGitHub('listing the App webhook deliveries', () =>
        client.request('GET /app/hook/deliveries', {
          per_page: PAGE,
          ...(cursor !== undefined ? { cursor } : {}),
        }),
      );
      const list = response.data as HookDelivery[];
      let older = false;
      for (const d of list) {
        if (Date.parse(d.delivered_at) < since) {
          older = true;
          continue;
        }
        byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
      }
      cursor = nextCursor(response.headers.link);
      if (older || cursor === undefined || list.length === 0) break;
    }
    const failed = [...byGuid.entries()].filter(([, attempts]) =>
      attempts.every((a) => a.status_code < 200 || a.status_code >= 300),
    );
    if (failed.length === 0) return 0;
    const received = await this.#options.deliveries.received(failed.map(([guid]) => guid));
    let asked = 0;
    for (const [guid, attempts] of failed) {
      if (received.has(guid)) continue;
      const latest = attempts.reduce((a, b) => (b.id > a.id ? b : a));
      await callGitHub(`asking GitHub to redeliver ${latest.event} delivery ${guid}`, () =>
        client.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: latest.id }),
      );
      asked++;
      this.#options.log.info(
        { delivery: guid, event: latest.event, status: latest.status_code },
        `asked GitHub to redeliver ${latest.event} delivery ${guid} (it failed with ${latest.status_code || 'no answer'})`,
      );
    }
    return asked;
  }
}

/** The `cursor` of the `rel="next"` link of a GitHub Link header, if any. */
export function nextCursor(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m?.[1] !== undefined) return new URL(m[1]).searchParams.get('cursor') ?? undefined;
  }
  return undefined;
}
