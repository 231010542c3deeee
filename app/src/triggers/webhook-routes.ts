/**
 * Webhook triggers over HTTP, at Kestra's path: `GET|POST|PUT
 * /api/v1/executions/webhook/{namespace}/{flowId}/{key}` starts the flow when `key` matches an
 * active Webhook trigger of that flow. Mount with `server.route('/', webhookRoutes(options))`.
 *
 * Answers as Kestra does: 200 with the execution (or, with `wait: true`, once it ended: 200, or 500
 * when it FAILED; with `returnOutputs: true`, its outputs), 204 when the trigger's conditions are
 * not met, 404 for an unknown flow, trigger or key alike (the key is compared in constant time and
 * the answer does not say which part was wrong), 413 for a body over `maxBodyBytes`, 422 when the
 * flow refuses the inputs.
 *
 * A call repeated with the same `Idempotency-Key` header (or GitHub's `X-GitHub-Delivery`, which a
 * redelivery keeps) starts nothing new: it answers with the execution the first call started.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../execution/clock.ts';
import type { ExecutionDocument, ExecutionService, FlowRepository } from '../execution/contract.ts';
import { idOf } from '../execution/ids.ts';
import { type CompiledWebhook, compileTrigger } from './compile-trigger.ts';
import { allPass } from './conditions.ts';
import { LaunchRefused, launchTriggered } from './launch-triggered.ts';
import { zoneNamed } from './time-zone.ts';
import { isActive, type StoredTrigger, type TriggerLogger, type TriggerStore, triggerLog } from './types.ts';

export const WEBHOOK_ROUTE = '/api/v1/executions/webhook/:namespace/:flowId/:key';
export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_WEBHOOK_WAIT_MS = 10 * 60_000;

export interface WebhookRouteOptions {
  store: Pick<TriggerStore, 'list'>;
  executions: ExecutionService;
  flows: FlowRepository;
  clock?: Pick<Clock, 'now'>;
  /** Largest request body accepted (default 1 MiB); larger ones get 413 before anything starts. */
  maxBodyBytes?: number;
  /** Longest a `wait: true` request waits for the execution to end (default 10 minutes), then 504. */
  maxWaitMs?: number;
  /** Zone of date conditions (default UTC). */
  timeZone?: string;
  onStarted?: (execution: ExecutionDocument, trigger: StoredTrigger) => void;
  log?: TriggerLogger;
}

const NOT_FOUND = { message: 'Not Found' };
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function webhookRoutes(options: WebhookRouteOptions): Hono {
  const routes = new Hono();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  const zone = zoneNamed(options.timeZone ?? 'UTC', 'the webhook time zone');
  const now = () => options.clock?.now() ?? Date.now();
  const log = options.log ?? triggerLog();
  const compiled = new LRUCache<string, CompiledWebhook>({ max: 1000 });

  routes.on(['GET', 'POST', 'PUT'], WEBHOOK_ROUTE, async (c) => {
    const { namespace, flowId, key } = c.req.param();
    const candidates = (await options.store.list({ kind: 'webhook', namespace, flowId })).filter(isActive);
    const trigger = findByKey(candidates, key);
    if (trigger === undefined) return c.json(NOT_FOUND, 404);

    const idempotencyKey = c.req.header('idempotency-key') ?? c.req.header('x-github-delivery');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return c.json(
        { message: 'the Idempotency-Key header must be 1 to 255 visible ASCII characters; nothing started' },
        400,
      );
    }
    const raw = await readBounded(c.req.raw, maxBody);
    if (raw === 'too-large') {
      return c.json(
        { message: `the request body is larger than ${maxBody} bytes, the limit for webhooks` },
        413,
      );
    }
    const variables = {
      body: parseBody(raw, c.req.header('content-type')),
      headers: groupHeaders(c.req.raw.headers),
      parameters: groupParameters(new URL(c.req.url).searchParams),
    };
    const cacheKey = `${trigger.namespace}\u0000${trigger.flowId}\u0000${trigger.triggerId}\u0000${trigger.fingerprint}`;
    let webhook = compiled.get(cacheKey);
    if (webhook === undefined) {
      webhook = compileTrigger(trigger.definition, { namespace, flowId, timeZone: zone }) as CompiledWebhook;
      compiled.set(cacheKey, webhook);
    }
    const context = { trigger: variables, flow: { namespace, id: flowId } };
    if (!(await allPass(webhook.conditions, { at: now(), zone, variables: context })))
      return c.body(null, 204);

    let execution: ExecutionDocument;
    try {
      execution = await launchTriggered(
        {
          executions: options.executions,
          flows: options.flows,
          ...(options.onStarted !== undefined ? { onStarted: options.onStarted } : {}),
        },
        trigger,
        { variables, inputs: webhook.inputs, labels: [] },
        idempotencyKey === undefined
          ? undefined
          : idOf('webhook', trigger.namespace, trigger.flowId, trigger.triggerId, idempotencyKey),
      );
    } catch (e) {
      if (e instanceof LaunchRefused) {
        if (e.reason !== 'inputs') return c.json(NOT_FOUND, 404);
        return c.json({ message: e.message }, 422);
      }
      log.error(`webhook ${namespace}.${flowId}: ${(e as Error).message}`);
      return c.json({ message: 'the execution could not be started; see the server log' }, 500);
    }
    if (!webhook.wait) return c.json(execution, 200);

    let ended: ExecutionDocument;
    try {
      ended = await options.executions.waitForTerminal(
        execution.id,
        AbortSignal.timeout(options.maxWaitMs ?? DEFAULT_MAX_WEBHOOK_WAIT_MS),
      );
    } catch {
      return c.json(
        { message: `execution ${execution.id} has not ended yet; follow it by its id`, id: execution.id },
        504,
      );
    }
    const status = ended.state.current === 'FAILED' ? 500 : 200;
    return c.json(webhook.returnOutputs ? (ended.outputs ?? {}) : ended, status);
  });
  return routes;
}

/** The trigger whose key equals `key`, comparing every candidate in constant time. */
function findByKey(candidates: readonly StoredTrigger[], key: string): StoredTrigger | undefined {
  const given = digest(key);
  let found: StoredTrigger | undefined;
  for (const t of candidates) {
    const expected = digest(String((t.definition as { key?: unknown }).key ?? ''));
    if (timingSafeEqual(given, expected) && found === undefined) found = t;
  }
  return found;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The body, or 'too-large' as soon as more than `max` bytes are announced or arrive. */
async function readBounded(request: Request, max: number): Promise<Uint8Array | 'too-large'> {
  const announced = request.headers.get('content-length');
  if (announced !== null && Number(announced) > max) return 'too-large';
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** As Kestra: a JSON object or array is parsed; other text is kept as text; binary is base64. */
function parseBody(raw: Uint8Array, contentType: string | undefined): unknown {
  if (raw.byteLength === 0) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return Buffer.from(raw).toString('base64');
  }
  if (contentType?.startsWith('application/octet-stream')) return Buffer.from(raw).toString('base64');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

function groupHeaders(headers: Headers): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  // Repeated headers arrive joined with ", " (Fetch semantics); values are not split, commas are legal inside.
  headers.forEach((value, name) => {
    out[name] = [value];
  });
  return out;
}

function groupParameters(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of params) {
    const list = out[name] ?? [];
    list.push(value);
    out[name] = list;
  }
  return out;
}
