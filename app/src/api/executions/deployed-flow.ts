/**
 * The flow an API execution runs: the latest deployed revision of namespace + id, parsed from the
 * YAML committed at that revision's SHA with the namespace pluginDefaults of that commit's
 * `.osprey.yml`. Executions are pinned to that commit.
 */
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { storedTemplates } from '../../../../flows-schema/src/templates.ts';
import type { FlowRevision } from '../../deployments/ports.ts';
import type { ApiDeps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';

export interface DeployedFlow {
  flow: Flow;
  revision: FlowRevision;
}

export async function deployedFlow(
  deps: Pick<ApiDeps, 'flows' | 'validate'>,
  namespace: string,
  flowId: string,
): Promise<DeployedFlow> {
  const revision = await deps.flows.latest(namespace, flowId);
  if (revision === undefined) {
    throw notFound(
      `flow ${namespace}.${flowId} is not deployed: commit it to the default branch of the repository that owns namespace ${namespace} (GET /api/v1/flows/${namespace} lists what is deployed)`,
    );
  }
  if (revision.deleted) {
    throw notFound(
      `flow ${namespace}.${flowId} was removed from ${revision.repository} at ${revision.sha.slice(0, 7)} (revision ${revision.revision}); restore its file to run it again`,
    );
  }
  const result = deps.validate(revision.source, undefined, {
    namespaceDefaults: () => revision.pluginDefaults ?? [],
    templates: storedTemplates(revision.templates),
  });
  if (result.flow === undefined) {
    const first = result.issues.find((i) => i.severity === 'error');
    throw conflict(
      `revision ${revision.revision} of flow ${namespace}.${flowId} (${revision.path} at ${revision.sha.slice(0, 7)}) does not validate with this version of Osprey${first === undefined ? '' : `: ${first.range.start.line}:${first.range.start.col}: ${first.message}`}; fix the file and push again`,
      { issues: result.issues },
    );
  }
  if (result.flow.disabled === true) {
    throw conflict(
      `flow ${namespace}.${flowId} is disabled; set disabled: false in ${revision.path} and push to run it`,
    );
  }
  // The execution records which revision it runs (`flowRevision`), as Kestra's do.
  return { flow: { ...result.flow, revision: revision.revision }, revision };
}
