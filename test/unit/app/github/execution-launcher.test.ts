/**
 * The launcher derives an execution's id from the GitHub delivery that asks for it: processing the
 * same delivery again (a redelivery, the inbox after a crash) returns the execution it started.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExecutionLauncher } from '../../../../app/src/github/launch/execution-launcher.ts';
import { MemoryInstallationIndex } from '../../../../app/src/github/memory/memory-check-run-links.ts';
import { parseFlow, triggerHarness } from '../triggers/harness.ts';

test('a launch for a delivery already launched returns that execution; another delivery starts anew', async () => {
  const h = triggerHarness();
  const launcher = createExecutionLauncher({
    executions: h.executions,
    installations: new MemoryInstallationIndex(),
  });
  const flow = parseFlow(`
id: on-push
namespace: company.team
tasks:
  - { id: hi, type: io.kestra.plugin.core.log.Log, message: hi }
`);
  const launch = (occurrence?: string) =>
    launcher.launch({
      repository: 'acme/flows',
      installationId: 777,
      sha: 'abc123',
      path: 'flows/on-push.yaml',
      flow,
      ...(occurrence !== undefined ? { occurrence } : {}),
    });
  const first = await launch('delivery-1');
  const again = await launch('delivery-1');
  const other = await launch('delivery-2');
  const plain = await launch();
  assert.equal(again.id, first.id);
  assert.notEqual(other.id, first.id);
  assert.notEqual(plain.id, first.id);
  assert.equal((await h.executionsOf('on-push')).length, 3);
  await h.scheduler.stop();
});
