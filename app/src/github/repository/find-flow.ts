/**
 * The file that declares `namespace.flowId` at a commit. By convention it is `<flowId>.yaml`, so
 * those files are read first; the rest only when the convention is not followed.
 */
import type { RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import type { FlowFile } from '../../deployments/flow-file.ts';
import { flowFileStem } from '../../deployments/flow-paths.ts';
import { type FlowFileCache, listFlowFiles, readFlowFiles } from './read-flows.ts';
import type { RepositoryReader } from './repository-reader.ts';

export async function findFlowFile(
  reader: RepositoryReader,
  sha: string,
  config: RepoConfig,
  flow: { namespace: string; flowId: string },
  cache?: FlowFileCache,
): Promise<FlowFile | undefined> {
  const all = await listFlowFiles(reader, sha, config);
  const declares = (f: FlowFile) => f.declared?.namespace === flow.namespace && f.declared.id === flow.flowId;
  const likely = all.filter((f) => flowFileStem(f.path) === flow.flowId);
  const first = (await readFlowFiles(reader, sha, likely, config, cache)).find(declares);
  if (first !== undefined) return first;
  const rest = all.filter((f) => flowFileStem(f.path) !== flow.flowId);
  return (await readFlowFiles(reader, sha, rest, config, cache)).find(declares);
}
