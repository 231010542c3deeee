/**
 * `osprey run` end to end: the real CLI (bin/osprey.js) in a child process, in a temporary
 * repository holding the Kestra release-note flows (test/fixtures/flows/seeds, copied verbatim from
 * the release notes), with external services replaced by a local HTTP stand-in.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { standIn } from '../unit/runner/helpers.ts';
import { osprey } from './osprey-cli.ts';

const SEEDS = fileURLToPath(new URL('../fixtures/flows/seeds/', import.meta.url));

interface JsonExecution {
  id: string;
  namespace: string;
  flowId: string;
  state: { current: string; histories: Array<{ state: string; date: string }> };
  labels: Array<{ key: string; value: string }>;
  taskRunList: Array<{
    id: string;
    taskId: string;
    state: { current: string };
    parentTaskRunId?: string;
    outputs?: Record<string, unknown>;
  }>;
  logs: Array<{ taskId?: string; taskRunId?: string; level: string; message: string; timestamp: string }>;
}

const repos: string[] = [];
after(() => Promise.all(repos.map((r) => rm(r, { recursive: true, force: true }))));

/** A temp repository with the given files (path → content). */
async function repository(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'osprey-e2e-'));
  repos.push(root);
  await mkdir(join(root, 'flows'), { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function seed(name: string): Promise<string> {
  return readFile(join(SEEDS, `${name}.yaml`), 'utf8');
}

/** `osprey run <file> --json`, parsed; fails the test with stderr when stdout is not one JSON document. */
async function runJson(cwd: string, file: string, extra: string[] = [], env: Record<string, string> = {}) {
  const run = await osprey(cwd, ['run', file, '--json', ...extra], env);
  let execution: JsonExecution;
  try {
    execution = JSON.parse(run.stdout) as JsonExecution;
  } catch {
    assert.fail(
      `stdout is not one JSON document (exit ${run.code}).\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  }
  return { run, execution };
}

const task = (e: JsonExecution, taskId: string) => e.taskRunList.find((t) => t.taskId === taskId);
const logsOf = (e: JsonExecution, taskId: string) =>
  e.logs.filter((l) => l.taskId === taskId).map((l) => l.message);

describe('osprey run', { timeout: 120_000 }, () => {
  test('conditional_branching runs the task by default, skips it with run_task=false', async () => {
    const root = await repository({
      'flows/conditional_branching.yaml': await seed('conditional_branching'),
    });
    const { run, execution } = await runJson(root, 'flows/conditional_branching.yaml');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(execution.state.current, 'SUCCESS');
    assert.equal(execution.namespace, 'company.team');
    assert.equal(execution.flowId, 'conditional_branching');
    assert.equal(task(execution, 'run_if_true')?.state.current, 'SUCCESS');
    assert.deepEqual(logsOf(execution, 'run_if_true'), ['Hello World!']);
    for (const log of execution.logs) {
      assert.deepEqual(
        Object.keys(log).filter((k) => !['taskId', 'taskRunId', 'level', 'message', 'timestamp'].includes(k)),
        [],
      );
    }

    const skipped = await runJson(root, 'flows/conditional_branching.yaml', ['--input', 'run_task=false']);
    assert.equal(skipped.run.code, 0, skipped.run.stderr);
    assert.equal(skipped.execution.state.current, 'SUCCESS');
    assert.equal(task(skipped.execution, 'run_if_true')?.state.current, 'SKIPPED');
    assert.deepEqual(logsOf(skipped.execution, 'run_if_true'), []);
  });

  test('--inputs-file supplies inputs (YAML)', async () => {
    const root = await repository({
      'flows/conditional_branching.yaml': await seed('conditional_branching'),
      'inputs.yaml': 'run_task: false\n',
    });
    const { run, execution } = await runJson(root, 'flows/conditional_branching.yaml', [
      '--inputs-file',
      'inputs.yaml',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(task(execution, 'run_if_true')?.state.current, 'SKIPPED');
  });

  test('fail: allowFailure + allowWarning turn the failure into SUCCESS', async () => {
    const root = await repository({ 'flows/fail.yaml': await seed('fail') });
    const { run, execution } = await runJson(root, 'flows/fail.yaml');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(execution.state.current, 'SUCCESS');
    assert.equal(task(execution, 'warn')?.state.current, 'SUCCESS');
  });

  test('error_logs_demo: FAILED, and the errors branch sees the error logs', async () => {
    const root = await repository({ 'flows/error_logs_demo.yaml': await seed('error_logs_demo') });
    const { run, execution } = await runJson(root, 'flows/error_logs_demo.yaml');
    assert.equal(run.code, 1, run.stderr);
    assert.equal(execution.state.current, 'FAILED');
    assert.equal(task(execution, 'fail')?.state.current, 'FAILED');
    assert.equal(task(execution, 'alert')?.state.current, 'SUCCESS');
    const alert = logsOf(execution, 'alert');
    assert.equal(alert.length, 1);
    assert.match(alert[0]!, /^Failure alert: .*Something went wrong/s);
  });

  test('sla_example: FAILED after the 2 s SLA, labelled sla=missed, the last task never runs', async () => {
    const root = await repository({ 'flows/sla_example.yaml': await seed('sla_example') });
    const { run, execution } = await runJson(root, 'flows/sla_example.yaml');
    assert.equal(run.code, 1, run.stderr);
    assert.equal(execution.state.current, 'FAILED');
    const created = Date.parse(execution.state.histories[0]!.date);
    const ended = Date.parse(execution.state.histories.at(-1)!.date);
    assert.ok(ended - created >= 1900 && ended - created < 2900, `ended after ${ended - created} ms`);
    assert.ok(
      execution.labels.some((l) => l.key === 'sla' && l.value === 'missed'),
      JSON.stringify(execution.labels),
    );
    assert.equal(task(execution, 'punctual')?.state.current, 'SUCCESS');
    assert.equal(task(execution, 'never_executed_task'), undefined);
  });

  test('key_value_inheritance: kv() finds a parent namespace value and an explicit namespace value', async () => {
    const root = await repository({
      'flows/key_value_inheritance.yaml': await seed('key_value_inheritance'),
      'namespaces/company/kv.yaml': 'my_key_from_company_namespace: value from company\n',
      'namespaces/test/kv.yaml': 'test_value: value from test\n',
    });
    const { run, execution } = await runJson(root, 'flows/key_value_inheritance.yaml');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(logsOf(execution, 'get_kv_from_parent'), ['value from company']);
    assert.deepEqual(logsOf(execution, 'get_kv_from_another_namespace'), ['value from test']);
  });

  test('alerts_demo: the failure alert reaches the Slack stand-in, the success one is skipped', async () => {
    const slack = await standIn();
    try {
      const flow = (await seed('alerts_demo')).replaceAll(
        'https://hooks.slack.com/services/xxxxx',
        `${slack.url}/services/xxxxx`,
      );
      const root = await repository({ 'flows/alerts_demo.yaml': flow });
      const { run, execution } = await runJson(root, 'flows/alerts_demo.yaml');
      assert.equal(run.code, 1, run.stderr);
      assert.equal(execution.state.current, 'FAILED');
      assert.equal(task(execution, 'onSuccess')?.state.current, 'SKIPPED');
      assert.equal(task(execution, 'onFailure')?.state.current, 'SUCCESS');
      assert.equal(slack.received.length, 1);
      assert.equal(slack.received[0]?.url, '/services/xxxxx');
      assert.equal(
        JSON.parse(slack.received[0]!.body.toString()).text,
        'Oh no, company.team.alerts_demo failed!!!',
      );
    } finally {
      await slack.close();
    }
  });

  test('secrets come from SECRET_<NAME> (base64) and are masked in logs', async () => {
    const root = await repository({
      'flows/secret.yaml': [
        'id: secret_demo',
        'namespace: company.team',
        'tasks:',
        '  - id: show',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "token is {{ secret('API_TOKEN') }}"`,
        '',
      ].join('\n'),
    });
    const { run, execution } = await runJson(root, 'flows/secret.yaml', [], {
      SECRET_API_TOKEN: Buffer.from('hunter2').toString('base64'),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(logsOf(execution, 'show'), ['token is ******']);
    assert.doesNotMatch(run.stdout, /hunter2/);
  });

  test("secret('name') matches SECRET_NAME upper-cased, as Kestra does; a missing one says what to set", async () => {
    const root = await repository({
      'flows/secret.yaml': [
        'id: secret_case',
        'namespace: company.team',
        'tasks:',
        '  - id: show',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "{{ secret('my_password') }}"`,
        '  - id: missing',
        '    type: io.kestra.plugin.core.log.Log',
        `    message: "{{ secret('NOT_SET') }}"`,
        '',
      ].join('\n'),
    });
    // The docs' example: echo -n "password" | base64 → cGFzc3dvcmQ= (docs: concepts/secret).
    const { run, execution } = await runJson(root, 'flows/secret.yaml', [], {
      SECRET_MY_PASSWORD: 'cGFzc3dvcmQ=',
    });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(logsOf(execution, 'show'), ['******']);
    assert.equal(task(execution, 'missing')?.state.current, 'FAILED');
    assert.match(
      logsOf(execution, 'missing').join('\n'),
      /secret 'NOT_SET' is not defined in namespace company\.team or company; set the environment variable SECRET_NOT_SET to its base64-encoded value/,
    );
  });

  test('a Pause without delay stops the run PAUSED (exit 3) and says how to resume; with a delay it resumes', async () => {
    const pause = (extra: string) =>
      [
        'id: pause_demo',
        'namespace: company.team',
        'tasks:',
        '  - id: wait',
        '    type: io.kestra.plugin.core.flow.Pause',
        extra,
        '  - id: after',
        '    type: io.kestra.plugin.core.log.Log',
        '    message: resumed',
        '',
      ].join('\n');
    const root = await repository({
      'flows/pause_demo.yaml': pause(''),
      'flows/pause_delay.yaml': pause('    pauseDuration: PT0.2S').replace('pause_demo', 'pause_delay'),
    });
    const { run, execution } = await runJson(root, 'flows/pause_demo.yaml');
    assert.equal(run.code, 3, run.stderr);
    assert.equal(execution.state.current, 'PAUSED');
    assert.equal(task(execution, 'wait')?.state.current, 'PAUSED');
    assert.equal(task(execution, 'after'), undefined);
    assert.match(run.stderr, /is PAUSED at task 'wait' and nothing will resume it/);
    assert.match(run.stderr, /press Enter when asked, give the Pause a pauseDuration/);
    assert.doesNotMatch(run.stderr, /unsettled top-level await/);
    const delayed = await runJson(root, 'flows/pause_delay.yaml');
    assert.equal(delayed.run.code, 0, delayed.run.stderr);
    assert.deepEqual(logsOf(delayed.execution, 'after'), ['resumed']);
  });

  test('core tasks chain outputs, storage files, KV values and labels', async () => {
    const root = await repository({
      'flows/core_tasks.yaml': [
        'id: core_tasks',
        'namespace: company.team',
        'tasks:',
        '  - id: write',
        '    type: io.kestra.plugin.core.storage.Write',
        '    content: "a,b\\n1,2\\n"',
        '    extension: .csv',
        '  - id: size',
        '    type: io.kestra.plugin.core.storage.Size',
        '    uri: "{{ outputs.write.uri }}"',
        '  - id: set',
        '    type: io.kestra.plugin.core.kv.Set',
        '    key: last_size',
        '    value: "{{ outputs.size.size }}"',
        '  - id: get',
        '    type: io.kestra.plugin.core.kv.Get',
        '    key: last_size',
        '  - id: templated',
        '    type: io.kestra.plugin.core.templating.TemplatedTask',
        '    spec: |',
        '      type: io.kestra.plugin.core.debug.Return',
        '      format: "size={{ outputs.get.value }}"',
        '  - id: label',
        '    type: io.kestra.plugin.core.execution.Labels',
        '    labels:',
        '      size: "{{ outputs.size.size }}"',
        '',
      ].join('\n'),
    });
    const { run, execution } = await runJson(root, 'flows/core_tasks.yaml');
    assert.equal(run.code, 0, run.stderr);
    const uri = task(execution, 'write')?.outputs?.['uri'] as string;
    assert.match(uri, /^kestra:\/\/\/company\/team\/core_tasks\/executions\/.+\.csv$/);
    const file = join(
      root,
      '.osprey',
      'storage',
      ...uri.slice('kestra:///'.length).split('/').map(decodeURIComponent),
    );
    assert.equal(await readFile(file, 'utf8'), 'a,b\n1,2\n');
    assert.equal(Number(task(execution, 'size')?.outputs?.['size']), 8);
    assert.equal(String(task(execution, 'get')?.outputs?.['value']), '8');
    assert.equal(task(execution, 'templated')?.outputs?.['value'], 'size=8');
    assert.ok(
      execution.labels.some((l) => l.key === 'size' && l.value === '8'),
      JSON.stringify(execution.labels),
    );
    const stored = JSON.parse(
      await readFile(join(root, '.osprey', 'kv', 'company.team', 'last_size.json'), 'utf8'),
    );
    assert.equal(String(stored.value), '8');
  });

  test('without --json: plain progress lines and log lines, then the outcome', async () => {
    const root = await repository({
      'flows/conditional_branching.yaml': await seed('conditional_branching'),
    });
    const run = await osprey(root, ['run', 'flows/conditional_branching.yaml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /RUNNING\s+run_if_true/);
    assert.match(run.stdout, /INFO\s+run_if_true Hello World!/);
    assert.match(run.stdout, /SUCCESS\s+run_if_true \(\d+\.\d+s\)/);
    assert.match(run.stdout, /Execution \S+ of company\.team\.conditional_branching ended SUCCESS/);
    assert.ok(!run.stdout.includes('\u001b['), 'no ANSI escape codes when stdout is not a terminal');
  });

  test('an invalid flow exits 2 with file:line:col messages and starts nothing', async () => {
    const root = await repository({
      'flows/bad.yaml':
        'id: bad\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Logg\n    message: hi\n',
    });
    const run = await osprey(root, ['run', 'flows/bad.yaml', '--json']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^flows\/bad\.yaml:5:\d+: .*io\.kestra\.plugin\.core\.log\.Logg/m);
  });

  test('a missing required input exits 2 naming the input, with no execution', async () => {
    const root = await repository({
      'flows/needs_input.yaml': [
        'id: needs_input',
        'namespace: company.team',
        'inputs:',
        '  - id: name',
        '    type: STRING',
        'tasks:',
        '  - id: hello',
        '    type: io.kestra.plugin.core.log.Log',
        '    message: "{{ inputs.name }}"',
        '',
      ].join('\n'),
    });
    const run = await osprey(root, ['run', 'flows/needs_input.yaml', '--json']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /input 'name'/);
    const given = await runJson(root, 'flows/needs_input.yaml', ['--input', 'name=Ada']);
    assert.equal(given.run.code, 0, given.run.stderr);
    assert.deepEqual(logsOf(given.execution, 'hello'), ['Ada']);
  });

  test('usage errors exit 2', async () => {
    const root = await repository({
      'flows/conditional_branching.yaml': await seed('conditional_branching'),
    });
    assert.equal((await osprey(root, ['run'])).code, 2);
    const missing = await osprey(root, ['run', 'flows/nope.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read flows\/nope\.yaml \(ENOENT\)/);
    const badInput = await osprey(root, ['run', 'flows/conditional_branching.yaml', '--input', 'novalue']);
    assert.equal(badInput.code, 2);
    assert.match(badInput.stderr, /--input expects key=value, got 'novalue'/);
  });
});
