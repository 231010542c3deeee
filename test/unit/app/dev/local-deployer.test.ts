/** osprey dev's deploy of a local flows folder: added, updated, removed, refused, triggers, watch. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowWatcher } from '../../../../app/src/dev/flow-watcher.ts';
import {
  deployLocalFlows,
  describeDeployment,
  localRepositoryName,
} from '../../../../app/src/dev/local-deployer.ts';
import { createMemoryPorts } from '../../../../app/src/github/memory/index.ts';
import { DEFAULT_REPO_CONFIG } from '../../../../flows-schema/src/repo-config.ts';
import { eventually } from '../../../support/eventually.ts';

const flow = (id: string, message: string, extra = '') =>
  `id: ${id}\nnamespace: company.team\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n${extra}`;

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'osprey-dev-'));
  mkdirSync(join(root, 'flows'));
  const ports = createMemoryPorts();
  const deps = {
    root,
    config: DEFAULT_REPO_CONFIG,
    store: ports.store,
    ownership: ports.ownership,
    triggers: ports.triggers,
  };
  return { root, ports, deps };
}

test('deploys added, updated and removed flows and refuses invalid ones without blocking the rest', async () => {
  const { root, ports, deps } = setup();
  const repo = localRepositoryName(root);
  writeFileSync(join(root, 'flows/a.yaml'), flow('a', 'one'));
  writeFileSync(
    join(root, 'flows/b.yaml'),
    flow(
      'b',
      'two',
      'triggers:\n  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n',
    ),
  );
  const first = await deployLocalFlows(deps);
  assert.deepEqual(describeDeployment(first), [
    '+ company.team.a (flows/a.yaml)',
    '+ company.team.b (flows/b.yaml)',
  ]);
  assert.equal((await ports.store.latest('company.team', 'a'))?.repository, repo);

  writeFileSync(join(root, 'flows/a.yaml'), flow('a', 'changed'));
  rmSync(join(root, 'flows/b.yaml'));
  writeFileSync(
    join(root, 'flows/c.yaml'),
    'id: c\nnamespace: company.team\ntasks:\n  - id: x\n    type: io.kestra.plugin.core.log.Lgo\n',
  );
  const second = await deployLocalFlows(deps);
  const lines = describeDeployment(second);
  assert.deepEqual(lines.slice(0, 2), ['~ company.team.a (flows/a.yaml)', '- company.team.b (flows/b.yaml)']);
  assert.equal(lines[2], '! flows/c.yaml refused:');
  assert.match(
    lines[3] ?? '',
    /flows\/c\.yaml:5:11: task 'x': unknown task type 'io\.kestra\.plugin\.core\.log\.Lgo'/,
  );
  assert.equal((await ports.store.latest('company.team', 'a'))?.source.includes('changed'), true);
  assert.equal(
    (await ports.store.latest('company.team', 'b'))?.deleted,
    true,
    'a removed file soft-deletes its flow',
  );
  assert.equal(await ports.store.latest('company.team', 'c'), undefined, 'an invalid flow is not deployed');
  assert.notEqual(first.sha, second.sha, 'each deployment is pinned to a content hash of the flows');

  const again = await deployLocalFlows(deps);
  assert.deepEqual(
    describeDeployment(again).slice(0, 1),
    ['! flows/c.yaml refused:'],
    'nothing else changes when nothing changed',
  );
});

test('triggers are registered on deploy and removed with the flow', async () => {
  const { root, ports, deps } = setup();
  writeFileSync(
    join(root, 'flows/b.yaml'),
    flow(
      'b',
      'two',
      'triggers:\n  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n',
    ),
  );
  await deployLocalFlows(deps);
  const registered = ports.triggers.get('company.team', 'b')?.triggers ?? [];
  assert.deepEqual(
    registered.map((t) => t.id),
    ['hourly'],
  );
  rmSync(join(root, 'flows/b.yaml'));
  await deployLocalFlows(deps);
  assert.equal(ports.triggers.get('company.team', 'b'), undefined);
});

test('the watcher redeploys once per burst of saves', async () => {
  const { root, ports, deps } = setup();
  let runs = 0;
  const watcher = new FlowWatcher(
    join(root, 'flows'),
    async () => {
      runs++;
      await deployLocalFlows(deps);
    },
    { debounceMs: 50 },
  );
  watcher.start();
  try {
    for (let i = 0; i < 5; i++) writeFileSync(join(root, 'flows/a.yaml'), flow('a', `save ${i}`));
    await eventually(() => runs > 0, 5000, 'the watcher deployed');
    await watcher.idle();
    assert.equal(runs, 1);
    assert.match((await ports.store.latest('company.team', 'a'))?.source ?? '', /save 4/);
  } finally {
    watcher.close();
  }
});
