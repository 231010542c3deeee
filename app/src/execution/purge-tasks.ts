/**
 * Kestra's purge tasks, run by the executor (they act on what the server keeps, not on the outside
 * world): `execution.PurgeExecutions` (alias `storage.Purge`), `log.PurgeLogs`, `kv.PurgeKV`. Their
 * properties are read here; the deletions are app/src/retention/purge.ts. `osprey run` keeps no
 * history, so there they fail and say where they work.
 */
import { DateTime } from 'luxon';
import { PurgeRefused, type PurgeRequest } from '../retention/purge.ts';
import type { LocalTask, LocalTaskResult } from './local-tasks.ts';

/** What the executor offers the purge tasks: absent where nothing is kept (`osprey run`). */
export type Purge = (request: PurgeRequest, job: { namespace: string }) => Promise<Record<string, number>>;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

class BadProperty extends Error {}

function optionalString(props: Record<string, unknown>, name: string): string | undefined {
  const v = props[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BadProperty(`${name}: must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function bool(props: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = props[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new BadProperty(`${name}: must be true or false, got ${JSON.stringify(v)}`);
}

function date(props: Record<string, unknown>, name: string): Date | undefined {
  const text = optionalString(props, name);
  if (text === undefined) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid)
    throw new BadProperty(
      `${name}: '${text}' is not an ISO-8601 date-time, e.g. {{ now() | dateAdd(-1, 'MONTHS') }}`,
    );
  return parsed.toJSDate();
}

function list(props: Record<string, unknown>, name: string): string[] | undefined {
  const v = props[name];
  if (v === undefined || v === null) return undefined;
  const items = typeof v === 'string' ? tryJson(v) : v;
  if (!Array.isArray(items) || items.some((i) => typeof i !== 'string'))
    throw new BadProperty(`${name}: must be a list of strings, got ${JSON.stringify(v)}`);
  return items as string[];
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function batchSize(props: Record<string, unknown>, fallback: number): number {
  const v = props['batchSize'];
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new BadProperty(`batchSize: must be a whole number of 1 or more, got ${JSON.stringify(v)}`);
  return n;
}

function required(d: Date | undefined, name: string): Date {
  if (d === undefined) throw new BadProperty(`${name}: required, e.g. "{{ now() | dateAdd(-1, 'MONTHS') }}"`);
  return d;
}

export function executionsRequest(props: Record<string, unknown>): PurgeRequest {
  return {
    kind: 'executions',
    namespace: optionalString(props, 'namespace'),
    flowId: optionalString(props, 'flowId'),
    startDate: date(props, 'startDate'),
    endDate: required(date(props, 'endDate'), 'endDate'),
    states: list(props, 'states'),
    purgeExecution: bool(props, 'purgeExecution', true),
    purgeLog: bool(props, 'purgeLog', true),
    purgeStorage: bool(props, 'purgeStorage', true),
    batchSize: batchSize(props, 100),
  };
}

export function logsRequest(props: Record<string, unknown>): PurgeRequest {
  const levels = list(props, 'logLevels');
  const unknown = levels?.find((l) => !(LEVELS as readonly string[]).includes(l));
  if (unknown !== undefined)
    throw new BadProperty(`logLevels: '${unknown}' is not a level; use ${LEVELS.join(', ')}`);
  return {
    kind: 'logs',
    namespace: optionalString(props, 'namespace'),
    flowId: optionalString(props, 'flowId'),
    executionId: optionalString(props, 'executionId'),
    levels: levels as (typeof LEVELS)[number][] | undefined,
    startDate: date(props, 'startDate'),
    endDate: required(date(props, 'endDate'), 'endDate'),
  };
}

export function kvRequest(props: Record<string, unknown>): PurgeRequest {
  const behavior = props['behavior'] as Record<string, unknown> | undefined;
  // The deprecated `expiredOnly` wins over `behavior`, as in Kestra.
  const expiredOnly =
    props['expiredOnly'] !== undefined && props['expiredOnly'] !== null
      ? bool(props, 'expiredOnly', true)
      : bool(behavior ?? {}, 'expiredOnly', true);
  return {
    kind: 'kv',
    namespaces: list(props, 'namespaces'),
    namespacePattern: optionalString(props, 'namespacePattern'),
    includeChildNamespaces: bool(props, 'includeChildNamespaces', true),
    keyPattern: optionalString(props, 'keyPattern'),
    expiredOnly,
  };
}

function purgeTask(
  type: string,
  read: (props: Record<string, unknown>) => PurgeRequest,
  purger: () => Purge | undefined,
): LocalTask {
  return async (props, { execution, run }): Promise<LocalTaskResult> => {
    const purge = purger();
    const fail = (message: string): LocalTaskResult => ({
      state: 'FAILED',
      error: `Task '${run.taskId}' (${type}): ${message}`,
      retryable: false,
    });
    if (purge === undefined)
      return fail(
        'purge tasks act on what a server keeps (executions, logs, KV); run this flow under osprey dev or osprey server',
      );
    let request: PurgeRequest;
    try {
      request = read(props);
    } catch (e) {
      if (e instanceof BadProperty) return fail(e.message);
      throw e;
    }
    try {
      const outputs = await purge(request, { namespace: execution.namespace });
      return { state: 'SUCCESS', outputs };
    } catch (e) {
      if (e instanceof PurgeRefused) return fail(e.message);
      throw e;
    }
  };
}

/** `purger` is asked at each run (the service that offers it is still being built when these are). */
export function purgeTasks(purger: () => Purge | undefined): [string, LocalTask][] {
  return [
    [
      'io.kestra.plugin.core.execution.PurgeExecutions',
      purgeTask('PurgeExecutions', executionsRequest, purger),
    ],
    ['io.kestra.plugin.core.log.PurgeLogs', purgeTask('PurgeLogs', logsRequest, purger)],
    ['io.kestra.plugin.core.kv.PurgeKV', purgeTask('PurgeKV', kvRequest, purger)],
  ];
}
