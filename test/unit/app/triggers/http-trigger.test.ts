/**
 * The HTTP Trigger in the scheduler, on virtual time against a local server: registered as a
 * polling trigger (first poll at deploy, then every `interval`), an execution starts at each poll
 * whose `responseCondition` holds, with `trigger.uri` / `.code` / `.headers` / `.body`; `stopAfter`
 * stops it; a failed poll is logged without its secrets and polled again; what Osprey cannot
 * evaluate is refused at registration.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { renderProperties, servicesFor } from '../../../../app/src/execution/render.ts';
import { triggerProblems } from '../../../../app/src/triggers/compile-trigger.ts';
import type { Trigger } from '../../../../flows-schema/src/triggers/triggers.ts';
import { httpTriggerPollers } from '../../../../runner/src/tasks/http/trigger/index.ts';
import { MemoryKv, standIn } from '../../runner/helpers.ts';
import { memoryStorage } from '../execution/harness.ts';
import { triggerHarness, yaml } from './harness.ts';

const TOKEN = 'tok-9d8c7b6a5f4e';
const HTTP = 'io.kestra.plugin.core.http.Trigger';

let server: Awaited<ReturnType<typeof standIn>>;
let answer = { ready: false };
before(async () => {
  server = await standIn((req, res) => {
    if (req.headers['authorization'] !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('who?');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
});
after(() => server.close());

function harness() {
  const storage = memoryStorage();
  const secrets = { get: async (_ns: string, name: string) => (name === 'TOKEN' ? TOKEN : undefined) };
  const pollers = httpTriggerPollers({
    render: (properties, namespace, options) =>
      renderProperties(
        properties,
        { flow: { namespace }, ...options?.variables },
        servicesFor(
          { kv: new MemoryKv(), secrets, storage, logs: async () => [], now: () => Date.now() },
          { id: '', namespace },
          (v) => options?.onSecret?.(v),
        ),
      ),
    storage,
    log: () => {},
  });
  return triggerHarness({ start: Date.parse('2025-01-01T00:00:00Z'), scheduler: { pollers } });
}

function watchFlow(trigger: Record<string, unknown>): string {
  return yaml({
    id: 'watch',
    namespace: 'company.team',
    tasks: [{ id: 'log', type: 'io.kestra.plugin.core.log.Log', message: '{{ trigger.body }}' }],
    triggers: [
      {
        id: 'http',
        type: HTTP,
        uri: `${server.url}/status`,
        headers: { Authorization: "Bearer {{ secret('TOKEN') }}" },
        responseCondition: '{{ json(response.body).ready }}',
        interval: 'PT2S',
        ...trigger,
      },
    ],
  });
}

test('an execution starts at each poll whose responseCondition holds, with the trigger variables', async () => {
  const h = harness();
  answer = { ready: false };
  await h.scheduler.start();
  await h.deploy(watchFlow({}));
  const polls = server.received.length;
  assert.ok(polls >= 1, 'the first poll happens at deploy');
  await h.advanceTo(h.clock.now() + 2000);
  assert.equal(server.received.length, polls + 1);
  assert.deepEqual(await h.executionsOf('watch'), []);

  answer = { ready: true };
  await h.advanceTo(h.clock.now() + 2000);
  const [first, ...rest] = await h.executionsOf('watch');
  assert.deepEqual(rest, []);
  assert.equal(first?.trigger?.id, 'http');
  assert.equal(first?.trigger?.type, HTTP);
  const variables = first?.trigger?.variables ?? {};
  assert.equal(variables['uri'], `${server.url}/status`);
  assert.equal(variables['code'], 200);
  assert.equal(variables['body'], '{"ready":true}');
  assert.deepEqual((variables['headers'] as Record<string, string[]>)['content-type'], ['application/json']);
  // Still true at the next interval: another execution, as Kestra's polling triggers do.
  await h.advanceTo(h.clock.now() + 2000);
  assert.equal((await h.executionsOf('watch')).length, 2);
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
  await h.scheduler.stop();
});

test('the fs alias with the default condition and stopAfter: SUCCESS fires once, then stops', async () => {
  const h = harness();
  answer = { ready: false };
  await h.scheduler.start();
  await h.deploy(
    watchFlow({
      type: 'io.kestra.plugin.fs.http.Trigger',
      responseCondition: undefined,
      stopAfter: ['SUCCESS'],
    }),
  );
  await h.advanceTo(h.clock.now() + 10_000);
  const runs = await h.executionsOf('watch');
  assert.equal(runs.length, 1, JSON.stringify(h.logs));
  assert.equal(runs[0]?.state.current, 'SUCCESS');
  const [stored] = await h.store.list();
  assert.equal(stored?.runtime.stopped, true);
  await h.scheduler.stop();
});

test('a failed poll is logged without its secret and polled again at the next interval', async () => {
  const h = harness();
  const closed = await standIn();
  await closed.close();
  await h.scheduler.start();
  await h.deploy(watchFlow({ uri: `${closed.url}/{{ secret('TOKEN') }}` }));
  await h.advanceTo(h.clock.now() + 2000);
  const errors = h.logs.filter((l) => l.level === 'error').map((l) => l.message);
  assert.equal(errors.length, 2, JSON.stringify(errors));
  assert.match(
    errors[0]!,
    /^trigger 'http' of flow company\.team\.watch: GET http:\/\/127\.0\.0\.1:\d+\/\*{6} failed \(ECONNREFUSED\).*; polling again in 2 s$/,
  );
  assert.ok(errors.every((m) => !m.includes(TOKEN)));
  assert.deepEqual(await h.executionsOf('watch'), []);
  await h.scheduler.stop();
});

test('what a poll would refuse every time is refused at registration', () => {
  const problems = (trigger: Record<string, unknown>) =>
    triggerProblems([{ id: 'http', type: HTTP, uri: 'https://example.com', ...trigger } as Trigger], {
      namespace: 'company.team',
      flowId: 'watch',
    }).map((p) => p.message);
  assert.deepEqual(problems({}), []);
  assert.deepEqual(problems({ uri: "https://example.com/{{ secret('K') }}", interval: 'PT1S' }), []);
  assert.deepEqual(problems({ interval: 'PT0.5S' }), [
    "trigger 'http': interval 'PT0.5S' is shorter than PT1S; poll at most once a second",
  ]);
  assert.deepEqual(problems({ conditions: [{ type: 'io.kestra.plugin.core.condition.Weekend' }] }), [
    "trigger 'http': conditions on a polling trigger are not evaluated by Osprey; filter in the responseCondition instead",
  ]);
  assert.match(problems({ encryptBody: true })[0]!, /encryptBody is not supported by Osprey/);
  assert.deepEqual(problems({ uri: 'not a url' }), ["trigger 'http': uri 'not a url' is not a valid URL"]);
  assert.deepEqual(problems({ uri: 'ftp://example.com/x' }), [
    "trigger 'http': uri must be an http(s) URL, got 'ftp:'",
  ]);
});

test('as in Kestra, no poll happens while the execution the trigger started last is still running', async () => {
  const h = harness();
  answer = { ready: true };
  await h.scheduler.start();
  await h.deploy(
    watchFlow({}).replace(
      /tasks:[\s\S]*?triggers:/,
      'tasks:\n  - id: approve\n    type: io.kestra.plugin.core.flow.Pause\ntriggers:',
    ),
  );
  const [paused] = await h.executionsOf('watch');
  assert.equal(paused?.state.current, 'PAUSED');
  const polls = server.received.length;
  await h.advanceTo(h.clock.now() + 2000);
  await h.advanceTo(h.clock.now() + 2000);
  assert.equal(server.received.length, polls, 'not polled while PAUSED');
  assert.equal((await h.executionsOf('watch')).length, 1);

  await h.executions.resume(paused!.id);
  await h.executions.waitForTerminal(paused!.id);
  await h.advanceTo(h.clock.now() + 2000);
  assert.equal(server.received.length, polls + 1, 'polled again once it ended');
  assert.equal((await h.executionsOf('watch')).length, 2);
  await h.scheduler.stop();
});
