/**
 * Kestra's HTTP `Trigger` (`io.kestra.plugin.core.http.Trigger`, alias `io.kestra.plugin.fs.http.Trigger`):
 * one poll makes the trigger's request exactly as the Request task would (uri, method, body,
 * formData, contentType, headers, options; a status >= 400 is not a failure, the condition decides),
 * then renders `responseCondition` (default `{{ response.statusCode < 400 }}`) with
 * `response.statusCode`, `response.body` and `response.headers`. A truthy result (anything but '',
 * '0', '-0', 'false') fires: the execution gets the Request's outputs as `trigger.uri`,
 * `trigger.code`, `trigger.headers` and `trigger.body`. The scheduler calls `poll` every `interval`.
 *
 * Secrets the properties resolve are masked in what a poll reports (errors, log lines) and in
 * `trigger.uri` (an API key in the query string); the response itself is the server's data.
 */
import { isTruthyString } from '../../../../../flows-schema/src/expressions/values.ts';
import { HTTP_TRIGGER_TYPES } from '../../../../../flows-schema/src/triggers/triggers.ts';
import { SecretMasker } from '../../../../../protocol/src/masking.ts';
import { InternalError, type KvStore, type TaskContext } from '../../../../../protocol/src/task-contract.ts';
import type { PolledTrigger, TriggerPollerDeps } from '../../../../../protocol/src/trigger-poller.ts';
import { displayUrl } from '../../support/http.ts';
import { requestTask } from '../request/index.ts';

/** Kestra's default condition: any status below 400. */
export const DEFAULT_RESPONSE_CONDITION = '{{ response.statusCode < 400 }}';

export type HttpTriggerDeps = TriggerPollerDeps;

/** The properties of the request; the others are the scheduler's or the condition. */
const REQUEST_KEYS = [
  'uri',
  'method',
  'body',
  'params',
  'formData',
  'contentType',
  'headers',
  'options',
  'encryptBody',
] as const;

/** The Request task uses no KV; a trigger has none (properties are rendered before the poll). */
const NO_KV: KvStore = new Proxy({} as KvStore, {
  get: () => async () => {
    throw new InternalError('a trigger poll has no KV store');
  },
});

export function httpTriggerPoller(deps: HttpTriggerDeps) {
  return {
    async poll(trigger: PolledTrigger, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
      const masker = new SecretMasker();
      // A secret in the uri reaches trigger.uri percent-encoded (a path) or form-encoded (params).
      const onSecret = (value: string) => {
        masker.register(value);
        masker.register(encodeURIComponent(value));
        masker.register(new URLSearchParams({ v: value }).toString().slice(2));
        masker.register(pathEncoded(value));
      };
      const options = { onSecret };
      const flow = { id: trigger.flowId, namespace: trigger.namespace };
      try {
        const written: Record<string, unknown> = {};
        for (const k of REQUEST_KEYS)
          if (trigger.definition[k] !== undefined) written[k] = trigger.definition[k];
        const properties = await deps.render(written, trigger.namespace, { ...options, variables: { flow } });
        const request = requestProperties(properties);
        const ctx: TaskContext = {
          properties: request,
          run: {
            executionId: `trigger-${trigger.triggerId}`,
            namespace: trigger.namespace,
            flowId: trigger.flowId,
            taskId: trigger.triggerId,
            taskRunId: `${Date.now()}`,
            attempt: 1,
          },
          logger: { log: (level, message) => deps.log(level, masker.mask(message)) },
          storage: deps.storage,
          services: { kv: NO_KV, render: async (t) => t },
          signal,
        };
        let outputs: Record<string, unknown>;
        try {
          outputs = (await requestTask.run(ctx)).outputs ?? {};
        } catch (e) {
          if (!signal.aborted) throw e;
          const method = typeof request['method'] === 'string' ? request['method'] : 'GET';
          throw new Error(`${method} ${shownUrl(request['uri'])} got no response before the poll timed out`);
        }
        const code = outputs['code'];
        const headers = outputs['headers'];
        const body = outputs['body'];
        deps.log(
          'DEBUG',
          masker.mask(`${shownUrl(outputs['uri'])} responded with status code ${String(code)}`),
        );
        const condition = trigger.definition['responseCondition'] ?? DEFAULT_RESPONSE_CONDITION;
        const rendered = await deps.render({ responseCondition: condition }, trigger.namespace, {
          ...options,
          variables: { flow, response: { statusCode: code, body: body ?? null, headers } },
        });
        if (!isTruthy(rendered['responseCondition'])) return undefined;
        return {
          uri: typeof outputs['uri'] === 'string' ? masker.mask(outputs['uri']) : outputs['uri'],
          code,
          headers,
          ...(body === undefined ? {} : { body }),
        };
      } catch (e) {
        throw new Error(masker.mask(withoutTaskPrefix((e as Error).message, trigger.triggerId)));
      }
    },
  };
}

/** One poller per type name (the canonical one and its alias). */
export function httpTriggerPollers(deps: HttpTriggerDeps) {
  const poller = httpTriggerPoller(deps);
  return new Map(HTTP_TRIGGER_TYPES.map((type) => [type, poller] as const));
}

/**
 * The Request task's properties: `params` become query parameters of the uri, and failed statuses
 * are allowed (the condition decides), whatever `options.allowFailed` says.
 */
function requestProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const { params, options, ...rest } = properties;
  const out: Record<string, unknown> = {
    ...rest,
    options: { ...(isMap(options) ? options : {}), allowFailed: true },
  };
  if (isMap(params) && typeof rest['uri'] === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(rest['uri'].trim().replaceAll(' ', '%20'));
    } catch {
      // The Request task reports the invalid uri.
    }
    if (url !== undefined) {
      for (const [name, value] of Object.entries(params))
        for (const item of Array.isArray(value) ? value : [value])
          url.searchParams.append(name, typeof item === 'string' ? item : JSON.stringify(item));
      out['uri'] = url.href;
    }
  }
  return out;
}

/** Kestra's TruthUtils: no value, '', '0', '-0' and 'false' are false. */
function isTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && isTruthyString(String(value));
}

/** The value as the URL parser writes it in a path (spaces as %20, as the Request task sends them). */
function pathEncoded(value: string): string {
  try {
    return new URL(`http://h/${value.replaceAll(' ', '%20')}`).pathname.slice(1);
  } catch {
    return value;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A URL without credentials or query string (where API keys live), as the HTTP tasks show them. */
function shownUrl(uri: unknown): string {
  try {
    return displayUrl(new URL(String(uri)));
  } catch {
    return 'the uri';
  }
}

/** The scheduler names the trigger; the Request task's `task '<id>' (type): ` prefix is dropped. */
function withoutTaskPrefix(message: string, triggerId: string): string {
  const prefix = `task '${triggerId}'`;
  if (!message.startsWith(prefix)) return message;
  return message
    .slice(prefix.length)
    .replace(/^ \([^)]*\)/, '')
    .replace(/^: /, '');
}
