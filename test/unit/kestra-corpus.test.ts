/**
 * The internal corpus of documented Kestra flows (test/fixtures/kestra-corpus/): each file was
 * written from an example of Kestra's documentation and names its page in a `# doc:` comment.
 * Templates that flows include are in templates/. Every flow must validate with no error; those that need no external service (no `# run: no`)
 * run on the same local execution service as `osprey run`, and the documented outcome is asserted:
 *   # env: NAME=value                    an environment variable the flow needs (SECRET_*)
 *   # inputs: {"id": "value"}            raw inputs of the run
 *   # expect-state: SUCCESS              the execution's end state
 *   # restart-expect-state: SUCCESS      then restart it (as POST .../restart does) and expect this
 *                                        end state; the other expectations are of the restarted run
 *   # expect-log: taskId: message        a log line of that task, exactly
 *   # expect-log-count: taskId: N        how many log lines that task wrote
 *   # expect-output: taskId.key = JSON   an output of the task's last run
 *   # expect-flow-output: key = JSON     a flow output
 *   # expect-task-state: taskId: STATE   the state of the task's last run
 *   # expect-no-run: taskId              the task never ran
 *   # expect-attempts: taskId: N         attempts of the task's run
 *   # expect-label: key = JSON           an execution label
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ExecutionDocument, LogEntry } from '../../app/src/execution/contract.ts';
import { localTemplates, openRepository } from '../../app/src/local/local-repository.ts';
import { createLocalService } from '../../cli/src/commands/run/local-service.ts';
import { formatIssue } from '../../flows-schema/src/issue.ts';
import { validateFlowSource } from '../../flows-schema/src/validate/validate-flow.ts';

const CORPUS = join(import.meta.dirname, '../fixtures/kestra-corpus');
const files = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const f of files) {
  for (const m of readFileSync(join(CORPUS, f), 'utf8').matchAll(/^# env: ([A-Z0-9_]+)=(.*)$/gm))
    process.env[m[1]!] = m[2]!.trim();
}

const root = mkdtempSync(join(tmpdir(), 'osprey-corpus-'));
mkdirSync(join(root, 'flows'));
for (const f of files) cpSync(join(CORPUS, f), join(root, 'flows', f));
cpSync(join(CORPUS, 'templates'), join(root, 'templates'), { recursive: true });
const repository = openRepository(root);
const templates = localTemplates(root, repository.config);
const service = createLocalService(repository, {});
after(async () => {
  await service.close();
  rmSync(root, { recursive: true, force: true });
});

function directives(text: string, name: string): string[] {
  const re = new RegExp(`^# ${name}: (.+)$`, 'gm');
  return [...text.matchAll(re)].map((m) => m[1]!.trim());
}

/** `left<sep>right`, split at the first separator. */
function pair(directive: string, sep: string): [string, string] {
  const at = directive.indexOf(sep);
  assert.ok(at > 0, `'${directive}' needs '${sep}'`);
  return [directive.slice(0, at).trim(), directive.slice(at + sep.length).trim()];
}

const lastRun = (e: ExecutionDocument, taskId: string) =>
  e.taskRunList.filter((t) => t.taskId === taskId).at(-1);
const messages = (logs: LogEntry[], taskId: string) =>
  logs.filter((l) => l.taskId === taskId).map((l) => l.message);

test('the corpus holds documented flows, each naming its doc page', () => {
  assert.ok(files.length >= 100, `only ${files.length} flows`);
  for (const f of files) {
    assert.ok(directives(readFileSync(join(CORPUS, f), 'utf8'), 'doc').length > 0, `${f} names no doc page`);
  }
});

describe('kestra corpus', { timeout: 120_000 }, () => {
  for (const file of files) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const runs = directives(text, 'run')[0]?.startsWith('no') !== true;
    test(`${file}: validates${runs ? ' and runs as documented' : ' (not run: needs an external service)'}`, async () => {
      const { flow, issues } = validateFlowSource(text, undefined, { templates });
      const errors = issues.filter((i) => i.severity === 'error');
      assert.deepEqual(
        errors.map((i) => formatIssue(file, i)),
        [],
      );
      assert.ok(flow);
      assert.equal(`${flow.id}.yaml`, file);
      if (!runs) return;
      const inputs = JSON.parse(directives(text, 'inputs')[0] ?? '{}') as Record<string, unknown>;
      const started = await service.executions.start({ flow, inputs, source: { path: `flows/${file}` } });
      let done = await service.executions.waitForTerminal(started.id);
      let logs = await service.executions.logs(done.id);
      const why = () =>
        `\n${done.taskRunList.map((t) => `  ${t.taskId} ${t.state.current}`).join('\n')}\n${logs.map((l) => `  ${l.taskId ?? '-'} ${l.level} ${l.message}`).join('\n')}`;
      const state = directives(text, 'expect-state')[0];
      assert.ok(state, 'the flow states its expected end state');
      assert.equal(done.state.current, state, why());
      const restarted = directives(text, 'restart-expect-state')[0];
      if (restarted !== undefined) {
        await service.executions.restart(done.id);
        done = await service.executions.waitForTerminal(done.id);
        logs = await service.executions.logs(done.id);
        assert.equal(done.state.current, restarted, `after the restart${why()}`);
      }
      for (const d of directives(text, 'expect-log')) {
        const [taskId, message] = pair(d, ': ');
        assert.ok(messages(logs, taskId).includes(message), `no log '${message}' from ${taskId}${why()}`);
      }
      for (const d of directives(text, 'expect-log-count')) {
        const [taskId, count] = pair(d, ': ');
        assert.equal(messages(logs, taskId).length, Number(count), `log lines of ${taskId}${why()}`);
      }
      for (const d of directives(text, 'expect-output')) {
        const [path, json] = pair(d, ' = ');
        const [taskId, key] = pair(path, '.');
        assert.deepEqual(lastRun(done, taskId)?.outputs?.[key], JSON.parse(json), `${path}${why()}`);
      }
      for (const d of directives(text, 'expect-flow-output')) {
        const [key, json] = pair(d, ' = ');
        assert.deepEqual(done.outputs?.[key], JSON.parse(json), `flow output ${key}${why()}`);
      }
      for (const d of directives(text, 'expect-task-state')) {
        const [taskId, taskState] = pair(d, ': ');
        assert.equal(lastRun(done, taskId)?.state.current, taskState, `${taskId}${why()}`);
      }
      for (const taskId of directives(text, 'expect-no-run')) {
        assert.equal(lastRun(done, taskId), undefined, `${taskId} ran${why()}`);
      }
      for (const d of directives(text, 'expect-attempts')) {
        const [taskId, count] = pair(d, ': ');
        assert.equal(lastRun(done, taskId)?.attempts.length, Number(count), `attempts of ${taskId}${why()}`);
      }
      for (const d of directives(text, 'expect-label')) {
        const [key, json] = pair(d, ' = ');
        assert.deepEqual(done.labels.find((l) => l.key === key)?.value, JSON.parse(json), `label ${key}`);
      }
    });
  }
});
