/**
 * A Kestra-like render context and fake services shared by the expression tests.
 */
import type { ExpressionServices } from '../../../../flows-schema/src/expressions/index.ts';

export function kestraContext(): Record<string, unknown> {
  return {
    flow: { id: 'hello-world', namespace: 'company.team', revision: 3 },
    execution: { id: 'exec-42', state: 'RUNNING', startDate: '2024-01-15T10:30:00.123456Z' },
    inputs: { x: 'hello', n: 2, flag: true, list: [3, 1, 2], empty: '', nothing: null, json: '{"a":[1,2]}' },
    outputs: {
      t: { value: 'from-t', vars: { count: '5' } },
      child: { a: { value: 'child-a' }, b: { value: 'child-b' } },
      'my-task': { value: 'dashed' },
    },
    vars: { x: 'var-x', greeting: 'Hello {{ inputs.x }}', nested: '{{ vars.greeting }}!' },
    labels: { x: 'label-x', team: 'data' },
    trigger: { executionId: 'trigger-exec', date: '2024-01-15T10:30:00Z' },
    taskrun: { value: 'a', id: 'tr-1' },
    parent: { taskrun: { value: 'parent-value' } },
    tasks: { some_task: { state: 'SUCCESS' } },
    kestra: { environment: 'dev', url: 'http://localhost:8080' },
    items: [
      { name: 'b', n: 2 },
      { name: 'a', n: 1 },
      { name: 'c', n: 3 },
    ],
    map: { k1: 'v1', k2: 'v2' },
  };
}

export interface FakeServices extends ExpressionServices {
  readonly calls: string[];
  readonly secrets: string[];
}

export function fakeServices(): FakeServices {
  const calls: string[] = [];
  const secrets: string[] = [];
  return {
    calls,
    secrets,
    async kv(key, namespace) {
      calls.push(`kv:${key}:${namespace ?? '-'}`);
      if (key === 'missing') return undefined;
      if (key === 'object') return { deep: { value: 7 } };
      return `kv-${key}@${namespace ?? 'own'}`;
    },
    async secret(name, namespace) {
      calls.push(`secret:${name}:${namespace ?? '-'}`);
      return name === 'JSON_SECRET' ? '{"user":"admin","password":"pa55"}' : `s3cr3t-${name}`;
    },
    async read(uri) {
      calls.push(`read:${uri}`);
      return `content of ${uri}`;
    },
    async fileSize(uri) {
      calls.push(`fileSize:${uri}`);
      return 1234;
    },
    async fileExists(uri) {
      return uri.endsWith('exists.txt');
    },
    async isFileEmpty(uri) {
      return uri.endsWith('empty.txt');
    },
    async errorLogs() {
      return [
        {
          taskId: 'fail',
          level: 'ERROR',
          message: 'Something went wrong',
          timestamp: '2024-01-15T10:31:00Z',
        },
        { taskId: 'fail', level: 'ERROR', message: 'exit code 1' },
      ];
    },
    now: () => new Date('2024-01-15T10:30:00.123Z'),
    onSecret(value) {
      secrets.push(value);
    },
  };
}
