/**
 * Translates Zod's findings into Osprey issues: a stable code, a message that names the task and
 * says what to do, and the path that positions it in the YAML source.
 */
import type { z } from 'zod';
import type { PathSegment } from '../issue.ts';
import { formatPath } from '../issue.ts';
import { InputTypeName } from '../schema/inputs.ts';
import type { TaskRegistry } from '../tasks/registry.ts';
import { COMMON_TASK_KEYS } from '../tasks/task-common.ts';
import { conditionTypeNames } from '../triggers/conditions.ts';
import { triggerTypeNames } from '../triggers/triggers.ts';
import { didYouMean } from './suggest.ts';

export interface RawIssue {
  code: string;
  path: PathSegment[];
  message: string;
  target: 'key' | 'value';
}

type ZodIssue = z.core.$ZodIssue;

export function translateZodIssues(
  issues: readonly ZodIssue[],
  doc: unknown,
  registry: TaskRegistry,
): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) translate(issue, [], doc, registry, out);
  return out;
}

function valueAt(doc: unknown, path: readonly PathSegment[]): unknown {
  let cur = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** `task 'b': ` for paths inside a task, `trigger 't': ` inside a trigger, '' elsewhere. */
function owner(doc: unknown, path: readonly PathSegment[]): string {
  for (let i = path.length; i > 0; i--) {
    const prefix = path.slice(0, i);
    const v = valueAt(doc, prefix) as { id?: unknown; type?: unknown } | undefined;
    if (!v || typeof v !== 'object' || typeof v.id !== 'string') continue;
    const last = prefix[prefix.length - 1];
    const parentKey = String(typeof last === 'number' ? prefix[prefix.length - 2] : last);
    const kind =
      OWNER_KINDS[parentKey] ??
      (TASK_LISTS.has(parentKey) || typeof v.type === 'string' ? 'task' : undefined);
    if (kind) return `${kind} '${v.id}': `;
  }
  return '';
}

const OWNER_KINDS: Record<string, string> = {
  triggers: 'trigger',
  inputs: 'input',
  outputs: 'output',
  sla: 'SLA',
  preconditions: 'precondition',
};
const TASK_LISTS = new Set([
  'tasks',
  'errors',
  'finally',
  'afterExecution',
  'then',
  'else',
  'defaults',
  'task',
]);

function lastKey(path: readonly PathSegment[]): string {
  const k = path[path.length - 1];
  return typeof k === 'string' ? k : formatPath(path);
}

const DESCRIBE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

function describe(expected: string): string {
  return DESCRIBE[expected] ?? expected;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return `${typeof v} ${String(v)}`;
}

function kindOfUnion(
  path: readonly PathSegment[],
  doc: unknown,
): { code: string; names: () => string[]; what: string } {
  if (path.includes('conditions') || path.includes('scheduleConditions')) {
    return { code: 'unknown-condition-type', names: () => conditionTypeNames, what: 'condition type' };
  }
  if (path[0] === 'triggers')
    return { code: 'unknown-trigger-type', names: () => triggerTypeNames, what: 'trigger type' };
  if (path[0] === 'inputs' && path.length === 2) {
    return { code: 'unknown-input-type', names: () => InputTypeName.options, what: 'input type' };
  }
  if (path.at(-1) === 'retry' || path.at(-2) === 'retry') {
    return {
      code: 'unknown-retry-type',
      names: () => ['constant', 'exponential', 'random'],
      what: 'retry type',
    };
  }
  void doc;
  return { code: 'unknown-task-type', names: () => [], what: 'task type' };
}

function translate(
  issue: ZodIssue,
  base: PathSegment[],
  doc: unknown,
  registry: TaskRegistry,
  out: RawIssue[],
): void {
  const path = [...base, ...(issue.path as PathSegment[])];
  const who = owner(doc, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = valueAt(doc, path) as Record<string, unknown> | undefined;
      const known = knownKeys(obj, path, registry);
      for (const key of issue.keys) {
        out.push({
          code: 'unknown-property',
          path: [...path, key],
          message: `${who}unknown property '${key}'.${didYouMean(key, known)}${known.length > 0 && didYouMean(key, known) === '' ? ` Known properties: ${known.join(', ')}.` : ''}`,
          target: 'key',
        });
      }
      return;
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const unionPath = path.at(-1) === issue.discriminator ? path.slice(0, -1) : path;
        const value = valueAt(doc, [...unionPath, issue.discriminator]);
        const kind = kindOfUnion(unionPath, doc);
        if (value === undefined) {
          out.push({
            code: 'missing-property',
            path: unionPath,
            message: `${who}missing required property '${issue.discriminator}'`,
            target: 'value',
          });
          return;
        }
        const names = kind.code === 'unknown-task-type' ? registry.typeNames() : kind.names();
        const hint = didYouMean(String(value), names);
        out.push({
          code: kind.code,
          path: [...unionPath, issue.discriminator],
          message: `${who}unknown ${kind.what} '${String(value)}'.${hint || (names.length <= 12 ? ` Known: ${names.join(', ')}.` : ' See docs/tasks.md for the supported types.')}`,
          target: 'value',
        });
        return;
      }
      const branches = issue.errors;
      const value = valueAt(doc, path);
      if (value === undefined) {
        out.push({
          code: 'missing-property',
          path,
          message: `${who}missing required property '${lastKey(path)}'`,
          target: 'value',
        });
        return;
      }
      // A branch that got past the top-level type check explains the problem best.
      const deep = branches.find(
        (b) =>
          b.length > 0 &&
          b.every((i) => i.code !== 'invalid_type' || i.path.length > 0) &&
          !isExpressionOnly(b),
      );
      if (deep) {
        for (const i of deep) translate(i, path, doc, registry, out);
        return;
      }
      const expected = [
        ...new Set(
          branches.flatMap((b) =>
            b.map((i) =>
              i.code === 'invalid_type' ? describe(i.expected) : isExpressionOnly([i]) ? 'an expression' : '',
            ),
          ),
        ),
      ].filter(Boolean);
      out.push({
        code: 'wrong-type',
        path,
        message: `${who}'${lastKey(path)}' must be ${expected.join(' or ')}, got ${typeOf(value)}`,
        target: 'value',
      });
      return;
    }
    case 'invalid_type': {
      const value = valueAt(doc, path);
      if (value === undefined) {
        out.push({
          code: 'missing-property',
          path,
          message: `${who}missing required property '${lastKey(path)}'`,
          target: 'value',
        });
      } else {
        out.push({
          code: 'wrong-type',
          path,
          message: `${who}'${lastKey(path)}' must be ${describe(issue.expected)}, got ${typeOf(value)}`,
          target: 'value',
        });
      }
      return;
    }
    case 'invalid_value': {
      const value = valueAt(doc, path);
      if (value === undefined) {
        out.push({
          code: 'missing-property',
          path,
          message: `${who}missing required property '${lastKey(path)}'`,
          target: 'value',
        });
        return;
      }
      const allowed = issue.values.map(String);
      out.push({
        code: 'invalid-value',
        path,
        message: `${who}'${lastKey(path)}' must be one of ${allowed.join(', ')}; got ${typeOf(value)}.${didYouMean(String(value), allowed)}`,
        target: 'value',
      });
      return;
    }
    case 'invalid_format': {
      const value = valueAt(doc, path);
      if (lastKey(path) === 'id' && typeof value === 'string' && value.includes('.')) {
        out.push({
          code: 'id-with-dot',
          path,
          message: `${who}id '${value}' contains '.', which addresses nested outputs in expressions; use '_' or '-' instead`,
          target: 'value',
        });
        return;
      }
      out.push({
        code: 'invalid-format',
        path,
        message: `${who}'${lastKey(path)}': ${issue.message}`,
        target: 'value',
      });
      return;
    }
    default: {
      const custom =
        issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
      let code = custom ?? 'invalid-value';
      if (issue.code === 'too_small' || issue.code === 'too_big') code = 'out-of-range';
      else if (issue.code !== 'custom') code = issue.code.replaceAll('_', '-');
      let message = issue.message;
      if (issue.code === 'too_small' && message.startsWith('Too small'))
        message = `must be at least ${String(issue.minimum)}`;
      if (issue.code === 'too_big' && message.startsWith('Too big'))
        message = `must be at most ${String(issue.maximum)}`;
      out.push({ code, path, message: `${who}'${lastKey(path)}': ${message}`, target: 'value' });
    }
  }
}

function isExpressionOnly(branch: readonly ZodIssue[]): boolean {
  return (
    branch.length === 1 && branch[0]?.code === 'custom' && String(branch[0].message).includes('expression')
  );
}

function knownKeys(
  obj: Record<string, unknown> | undefined,
  path: readonly PathSegment[],
  registry: TaskRegistry,
): string[] {
  if (obj && typeof obj.type === 'string') {
    const def = registry.get(obj.type);
    if (def) {
      return [...Object.keys(def.properties), ...COMMON_TASK_KEYS];
    }
  }
  if (path.length === 0) {
    return [
      'id',
      'namespace',
      'description',
      'labels',
      'inputs',
      'outputs',
      'variables',
      'tasks',
      'errors',
      'finally',
      'afterExecution',
      'triggers',
      'pluginDefaults',
      'concurrency',
      'retry',
      'sla',
      'disabled',
    ];
  }
  return [];
}
