import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toFlowFile } from '../../../../app/src/deployments/flow-file.ts';
import { planDeploy } from '../../../../app/src/deployments/plan-deploy.ts';
import { renderSummary } from '../../../../app/src/github/checks/render-summary.ts';
import { deployTitle, deployView } from '../../../../app/src/github/deploy/deploy-view.ts';
import { validateTitle, validateView } from '../../../../app/src/github/validate/validate-view.ts';

const valid = (id: string, tasks = 1) => `id: ${id}
namespace: company.team
tasks:
${Array.from({ length: tasks }, (_, i) => `  - id: t${i}\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`).join('')}`;

describe('deploy summary', () => {
  it('renders counts and tables, escaping table cells', async () => {
    const plan = planDeploy({
      repository: 'acme/flows',
      live: [],
      present: [
        toFlowFile('flows/a.yaml', 'b1', valid('a')),
        toFlowFile('flows/bad|name.yaml', 'b2', 'id: bad\nnamespace: company.team\ntasks: 3\n'),
      ],
      removedPaths: [],
      fullScan: true,
      owners: new Map(),
    });
    const summary = await renderSummary(
      'deploy',
      deployView({ repository: 'acme/flows', branch: 'main', sha: '0123456789', fullScan: true }, plan, []),
    );
    assert.equal(deployTitle(plan), 'Flows: 1 added, 1 refused');
    assert.match(summary, /^## Deployment of `acme\/flows` at `0123456` \(branch `main`\)\n/);
    assert.match(summary, /\| 1 \| 0 \| 0 \| 1 \| 0 \|/);
    assert.match(summary, /\| `flows\/bad\\\|name\.yaml` \| company\.team\.bad \| line 3: /);
    assert.match(summary, /\| `company\.team\.a` \| `flows\/a\.yaml` \| {2}\|/);
    assert.doesNotMatch(summary, /\n\n\n/);
  });
});

describe('validate summary', () => {
  it('draws a diagram per changed flow and lists those beyond the size budget', async () => {
    const present = Array.from({ length: 40 }, (_, i) =>
      toFlowFile(`flows/f${i}.yaml`, `b${i}`, valid(`f${i}`, 40)),
    );
    const plan = planDeploy({
      repository: 'acme/flows',
      live: [],
      present,
      removedPaths: [],
      fullScan: false,
      owners: new Map(),
    });
    const view = validateView({ repository: 'acme/flows', number: 7, sha: 'abcdef123' }, plan, present);
    assert.ok(view.diagrams.length > 0 && view.omittedDiagrams.length > 0);
    assert.equal(view.diagrams.length + view.omittedDiagrams.length, 40);
    const summary = await renderSummary('validate', view);
    assert.ok(summary.length < 65_535, `summary is ${summary.length} characters`);
    assert.equal(summary.match(/```mermaid\n/g)?.length, view.diagrams.length);
    assert.match(summary, /Diagrams not shown \(GitHub limits the summary size\): `company\.team\.f\d+`/);
    assert.equal(validateTitle(plan), '40 flow changes, all valid');
  });
});
