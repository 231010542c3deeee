import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFlowFile } from '../../../../app/src/deployments/flow-file.ts';
import { type DeployInput, type LiveFlow, planDeploy } from '../../../../app/src/deployments/plan-deploy.ts';

const flow = (id: string, namespace = 'company.team', extra = '') => `id: ${id}
namespace: ${namespace}
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi${extra}
`;
const withTrigger = (id: string, cron: string) => `${flow(id)}triggers:
  - id: tick
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "${cron}"
`;
const file = (path: string, text: string) => toFlowFile(path, 'blob', text);
const live = (path: string, text: string, revision = 1): LiveFlow => {
  const f = file(path, text);
  assert.ok(f.flow, `${path} must be valid`);
  return {
    namespace: f.flow.namespace,
    flowId: f.flow.id,
    path,
    source: text,
    revision,
    triggers: f.flow.triggers ?? [],
  };
};
const plan = (input: Partial<DeployInput>) =>
  planDeploy({
    repository: 'acme/flows',
    live: [],
    present: [],
    removedPaths: [],
    fullScan: false,
    owners: new Map(),
    ...input,
  });
const names = (list: ReadonlyArray<{ namespace: string; flowId: string }>) =>
  list.map((f) => `${f.namespace}.${f.flowId}`);

describe('planDeploy', () => {
  it('adds new flows, updates changed ones, keeps identical ones unchanged', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a')), live('flows/b.yaml', flow('b'))],
      present: [
        file('flows/a.yaml', flow('a', 'company.team', ' again')),
        file('flows/b.yaml', flow('b')),
        file('flows/c.yaml', flow('c')),
      ],
    });
    assert.deepEqual(names(p.added), ['company.team.c']);
    assert.deepEqual(names(p.updated), ['company.team.a']);
    assert.deepEqual(names(p.unchanged), ['company.team.b']);
    assert.deepEqual([p.removed, p.refused], [[], []]);
  });

  it("updates a flow whose file is unchanged when its namespace's pluginDefaults changed", () => {
    const defaults = {
      pluginDefaults: { company: [{ type: 'io.kestra.plugin.core.log', values: { level: 'WARN' } }] },
    };
    const deployed = { ...live('flows/a.yaml', flow('a')), pluginDefaults: defaults.pluginDefaults.company };
    const same = plan({
      live: [deployed],
      present: [toFlowFile('flows/a.yaml', 'blob', flow('a'), defaults)],
    });
    assert.deepEqual(names(same.unchanged), ['company.team.a']);
    const changed = plan({ live: [deployed], present: [file('flows/a.yaml', flow('a'))] });
    assert.deepEqual(names(changed.updated), ['company.team.a']);
    assert.deepEqual(changed.updated[0]?.pluginDefaults, []);
    const other = plan({
      live: [live('flows/a.yaml', flow('a'))],
      present: [toFlowFile('flows/a.yaml', 'blob', flow('a'), defaults)],
    });
    assert.deepEqual(names(other.updated), ['company.team.a']);
    assert.deepEqual(other.updated[0]?.pluginDefaults, defaults.pluginDefaults.company);
  });

  it('refuses an invalid file and keeps the revision deployed from it; valid files still deploy', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a'))],
      present: [
        file('flows/a.yaml', 'id: a\nnamespace: company.team\ntasks: []\nbogus: 1\n'),
        file('flows/b.yaml', flow('b')),
      ],
    });
    assert.deepEqual(names(p.added), ['company.team.b']);
    assert.equal(p.refused.length, 1);
    assert.equal(p.refused[0]?.path, 'flows/a.yaml');
    assert.equal(p.refused[0]?.kept?.revision, 1);
    assert.ok(p.refused[0]?.issues.some((i) => i.code === 'unknown-property' && i.range.start.line === 4));
    assert.deepEqual(p.removed, []);
  });

  it('removes flows whose files were deleted, with their triggers', () => {
    const p = plan({
      live: [live('flows/a.yaml', withTrigger('a', '0 1 * * *'))],
      removedPaths: ['flows/a.yaml'],
    });
    assert.deepEqual(names(p.removed), ['company.team.a']);
    assert.deepEqual(p.triggers.removed, [
      {
        namespace: 'company.team',
        flowId: 'a',
        triggerId: 'tick',
        type: 'io.kestra.plugin.core.trigger.Schedule',
      },
    ]);
  });

  it('on a full scan, removes live flows whose file is not in the commit', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a')), live('flows/b.yaml', flow('b'))],
      present: [file('flows/a.yaml', flow('a'))],
      fullScan: true,
    });
    assert.deepEqual(names(p.removed), ['company.team.b']);
    assert.deepEqual(names(p.unchanged), ['company.team.a']);
  });

  it('without a full scan, leaves untouched live flows alone', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a')), live('flows/b.yaml', flow('b'))],
      present: [file('flows/a.yaml', flow('a'))],
    });
    assert.deepEqual(p.removed, []);
  });

  it('treats a renamed file as an update of the same flow', () => {
    const p = plan({
      live: [live('flows/old/a.yaml', flow('a'))],
      present: [file('flows/new/a.yaml', flow('a'))],
      removedPaths: ['flows/old/a.yaml'],
    });
    assert.deepEqual(names(p.updated), ['company.team.a']);
    assert.equal(p.updated[0]?.path, 'flows/new/a.yaml');
    assert.deepEqual(p.removed, []);
  });

  it('removes the old flow when a file now declares another id', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a'))],
      present: [file('flows/a.yaml', flow('renamed'))],
    });
    assert.deepEqual(names(p.added), ['company.team.renamed']);
    assert.deepEqual(names(p.removed), ['company.team.a']);
  });

  it('refuses a second file declaring a flow already deployed from another file', () => {
    const p = plan({
      live: [live('flows/a.yaml', flow('a'))],
      present: [file('flows/copy.yaml', flow('a'))],
    });
    assert.deepEqual(p.added, []);
    assert.equal(p.refused[0]?.path, 'flows/copy.yaml');
    const issue = p.refused[0]?.issues[0];
    assert.equal(issue?.code, 'duplicate-flow');
    assert.match(issue?.message ?? '', /also declared in flows\/a\.yaml/);
    assert.equal(issue?.range.start.line, 1);
  });

  it('between two new files declaring one flow, deploys the first path and refuses the other', () => {
    const p = plan({ present: [file('flows/z.yaml', flow('a')), file('flows/b.yaml', flow('a'))] });
    assert.deepEqual(
      p.added.map((f) => f.path),
      ['flows/b.yaml'],
    );
    assert.deepEqual(
      p.refused.map((f) => f.path),
      ['flows/z.yaml'],
    );
  });

  it('refuses flows in a namespace owned by another repository, naming the owner, at the namespace line', () => {
    const p = plan({
      present: [file('flows/a.yaml', flow('a', 'shared'))],
      owners: new Map([['shared', 'acme/other']]),
    });
    const issue = p.refused[0]?.issues[0];
    assert.equal(issue?.code, 'namespace-owned');
    assert.match(issue?.message ?? '', /^namespace shared belongs to acme\/other/);
    assert.equal(issue?.range.start.line, 2);
  });

  it('compares repository names without case (stores may keep them lower-cased)', () => {
    const p = plan({
      repository: 'Acme/Flows',
      present: [file('flows/a.yaml', flow('a', 'shared'))],
      owners: new Map([['shared', 'acme/flows']]),
    });
    assert.deepEqual(names(p.added), ['shared.a']);
  });

  it('refuses namespaces missing from .osprey.yml `namespaces` when the list is set', () => {
    const p = plan({
      present: [file('flows/a.yaml', flow('a', 'elsewhere')), file('flows/b.yaml', flow('b'))],
      allowedNamespaces: ['company.team'],
    });
    assert.deepEqual(names(p.added), ['company.team.b']);
    assert.equal(p.refused[0]?.issues[0]?.code, 'namespace-not-declared');
  });

  it('registers only new or changed triggers of an updated flow and removes dropped ones', () => {
    const before = `${withTrigger('a', '0 1 * * *')}  - id: gone
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 3 * * *"
`;
    const after = `${withTrigger('a', '0 2 * * *')}  - id: fresh
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 4 * * *"
`;
    const p = plan({ live: [live('flows/a.yaml', before)], present: [file('flows/a.yaml', after)] });
    assert.deepEqual(
      p.triggers.registered.map((t) => t.triggerId),
      ['tick', 'fresh'],
    );
    assert.deepEqual(
      p.triggers.removed.map((t) => t.triggerId),
      ['gone'],
    );
  });

  it('keeps warnings of deployed flows (file name not matching the id)', () => {
    const p = plan({ present: [file('flows/other-name.yaml', flow('a'))] });
    assert.deepEqual(names(p.added), ['company.team.a']);
    assert.deepEqual(
      p.added[0]?.issues.map((i) => [i.code, i.severity]),
      [['file-name-mismatch', 'warning']],
    );
  });
});
