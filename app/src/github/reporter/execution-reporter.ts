/**
 * Reports every execution pinned to a repository commit as the check run `osprey: <ns>.<flowId>` on
 * that commit. Updates are batched: the first one goes out at once (the run appears), then at most
 * one per execution every `intervalMs`, and the final state is always sent without waiting.
 * Updates of one execution are sent in order; identical updates are not sent.
 *
 * Across replicas, one reporter per execution: the first replica to report it owns its check run
 * while it goes on reporting (`CheckRunLinks.claimReporter`, a lease renewed at each update); every
 * replica hears an execution's end, but only the owner sends it. An owner that died is replaced
 * by the next replica with something to report once its lease ended.
 */
import { randomUUID } from 'node:crypto';
import { isTerminal } from '../../engine/states.ts';
import type { ExecutionDocument, ExecutionService, LogEntry } from '../../execution/contract.ts';
import { type CheckRunFields, EXECUTION_CHECK_PREFIX, RERUN_ACTION } from '../checks/check-runs.ts';
import { renderSummary } from '../checks/render-summary.ts';
import type { Log } from '../deps.ts';
import type { CheckRunLinks } from '../ports.ts';
import type { CheckRunWriter } from './check-run-writer.ts';
import {
  checkStatusOf,
  conclusionOf,
  endedAt,
  executionTitle,
  executionView,
  startedAt,
} from './execution-view.ts';

export interface ExecutionReporterOptions {
  executions: ExecutionService;
  writer: CheckRunWriter;
  links: CheckRunLinks;
  log: Log;
  /** Minimum time between two updates of one check run (default 3 s). */
  intervalMs?: number;
  /** `details_url` of an execution; none when undefined. */
  detailsUrl?: (execution: ExecutionDocument) => string | undefined;
  now?: () => number;
  /** This replica's name among the reporters (default: a random one). */
  reporterId?: string;
  /** How long this replica stays an execution's reporter without an update (default 60 s). */
  leaseMs?: number;
}

interface Slot {
  doc: ExecutionDocument;
  repository: string;
  checkRunId: number | undefined;
  dirty: boolean;
  lastSentAt: number;
  lastSent: string;
  timer: NodeJS.Timeout | undefined;
  chain: Promise<void>;
  /** A reported end heard from another replica's execution was looked at again. */
  retried?: boolean;
}

/** The lease of the replica that sent an execution's end: nobody takes the check run over. */
const FOR_GOOD_MS = 10 * 365 * 24 * 60 * 60_000;

export class ExecutionCheckReporter {
  readonly #options: ExecutionReporterOptions;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #slots = new Map<string, Slot>();
  readonly #pending = new Set<Promise<void>>();
  readonly #reporterId: string;
  #unsubscribe: (() => void) | undefined;

  constructor(options: ExecutionReporterOptions) {
    this.#options = options;
    this.#interval = options.intervalMs ?? 3000;
    this.#now = options.now ?? Date.now;
    this.#reporterId = options.reporterId ?? randomUUID();
  }

  /** Listen to execution events. */
  start(): void {
    this.#unsubscribe ??= this.#options.executions.subscribe((event) => this.observe(event.execution));
  }

  /** Take a new state of an execution into account (events, or the launcher right after start). */
  observe(doc: ExecutionDocument): void {
    const repository = doc.source?.repository;
    if (repository === undefined || doc.source?.sha === undefined) return;
    let slot = this.#slots.get(doc.id);
    if (slot === undefined) {
      slot = {
        doc,
        repository,
        checkRunId: undefined,
        dirty: true,
        lastSentAt: this.#now(),
        lastSent: '',
        timer: undefined,
        chain: Promise.resolve(),
      };
      this.#slots.set(doc.id, slot);
      this.#flush(slot);
      return;
    }
    slot.doc = doc;
    slot.dirty = true;
    if (isTerminal(doc.state.current)) {
      this.#flush(slot);
      return;
    }
    if (slot.timer === undefined) {
      const wait = Math.max(0, slot.lastSentAt + this.#interval - this.#now());
      slot.timer = setTimeout(() => this.#flush(slot), wait);
    }
  }

  /** Resolves when every update queued so far has been sent. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Stop listening; send what is pending now. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    for (const slot of this.#slots.values()) if (slot.timer !== undefined) this.#flush(slot);
    await this.idle();
  }

  #flush(slot: Slot): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    const run = slot.chain.then(() => this.#send(slot));
    slot.chain = run.catch(() => undefined);
    const tracked = slot.chain.finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  async #send(slot: Slot): Promise<void> {
    if (!slot.dirty) return;
    slot.dirty = false;
    slot.lastSentAt = this.#now();
    const doc = slot.doc;
    const name = `${EXECUTION_CHECK_PREFIX}${doc.namespace}.${doc.flowId}`;
    try {
      const lease = Math.max(this.#options.leaseMs ?? 60_000, this.#interval * 3);
      if (!(await this.#options.links.claimReporter(doc.id, this.#reporterId, lease))) {
        // Another replica reports it. Its end is looked at once more after that replica's lease:
        // sent then only if the owner died before sending it (it holds the run for good once sent).
        if (isTerminal(doc.state.current) && !slot.retried && this.#slots.get(doc.id) === slot) {
          slot.retried = true;
          slot.dirty = true;
          slot.timer = setTimeout(() => this.#flush(slot), lease + 1000);
          slot.timer.unref?.();
          return;
        }
        slot.dirty = false;
        if (this.#slots.get(doc.id) === slot) this.#slots.delete(doc.id);
        return;
      }
      const fields = await this.#fields(doc);
      const key = JSON.stringify(fields);
      if (key === slot.lastSent) return;
      slot.checkRunId ??= (await this.#options.links.get(doc.id))?.checkRunId;
      if (slot.checkRunId === undefined) {
        slot.checkRunId = await this.#options.writer.create(slot.repository, {
          name,
          head_sha: doc.source?.sha ?? '',
          ...fields,
        });
        await this.#options.links.set(doc.id, { repository: slot.repository, checkRunId: slot.checkRunId });
      } else {
        await this.#options.writer.update(slot.repository, slot.checkRunId, fields, name);
      }
      slot.lastSent = key;
      if (isTerminal(doc.state.current))
        await this.#options.links.claimReporter(doc.id, this.#reporterId, FOR_GOOD_MS);
    } catch (error) {
      this.#options.log.error(
        { err: error, execution: doc.id, repository: slot.repository },
        `could not report execution ${doc.id} to GitHub: ${(error as Error).message}`,
      );
    } finally {
      if (
        isTerminal(slot.doc.state.current) &&
        !slot.dirty &&
        slot.timer === undefined &&
        this.#slots.get(doc.id) === slot
      )
        this.#slots.delete(doc.id);
    }
  }

  async #fields(doc: ExecutionDocument): Promise<CheckRunFields> {
    const now = this.#now();
    const state = doc.state.current;
    const status = checkStatusOf(state);
    const conclusion = conclusionOf(state);
    const logs: LogEntry[] =
      status === 'completed' ? await this.#options.executions.logs(doc.id).catch(() => []) : [];
    const detailsUrl = this.#options.detailsUrl?.(doc);
    const summary = await renderSummary('execution', executionView(doc, logs, detailsUrl, now));
    const started = startedAt(doc.state);
    const ended = endedAt(doc.state);
    return {
      status,
      external_id: doc.id,
      ...(detailsUrl !== undefined ? { details_url: detailsUrl } : {}),
      ...(started !== undefined && status !== 'queued' ? { started_at: started } : {}),
      ...(status === 'completed' && conclusion !== undefined
        ? { conclusion, completed_at: ended ?? new Date(now).toISOString(), actions: [RERUN_ACTION] }
        : {}),
      output: { title: executionTitle(doc, now), summary },
    };
  }
}
