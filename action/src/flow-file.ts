/**
 * The `flow` input as a file: a path (`flows/company/team/hello.yaml`, relative to the repository
 * folder) is taken as is; `namespace.flowId` is looked up among the repository's flows.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalFlowRepository } from '../../app/src/local/local-flow-repository.ts';
import type { LocalRepository } from '../../app/src/local/local-repository.ts';
import { InputError } from './inputs.ts';

export function isFlowFile(ref: string): boolean {
  return /\.ya?ml$/i.test(ref) || ref.includes('/') || ref.includes('\\');
}

/** `company.team.hello` → `{ namespace: 'company.team', id: 'hello' }`. */
export function splitFlowId(ref: string): { namespace: string; id: string } {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0 || dot === ref.length - 1) {
    throw new InputError(
      `input 'flow' must be namespace.flowId (e.g. company.team.hello_world) or a flow file; got '${ref}'`,
    );
  }
  return { namespace: ref.slice(0, dot), id: ref.slice(dot + 1) };
}

/** The absolute path of the flow file `ref` names. */
export async function findFlowFile(repository: LocalRepository, ref: string): Promise<string> {
  if (isFlowFile(ref)) {
    const path = resolve(repository.root, ref);
    if (!existsSync(path))
      throw new InputError(`input 'flow': no file ${ref} in ${repository.root}; give a path from there`);
    return path;
  }
  const { namespace, id } = splitFlowId(ref);
  const flows = new LocalFlowRepository(repository.flowsDir, repository.root);
  const all = await flows.list();
  const found = all.find((f) => f.flow.namespace === namespace && f.flow.id === id);
  if (found !== undefined) return resolve(repository.root, found.file);
  const problems = await flows.problems();
  throw new InputError(
    `input 'flow': no valid flow ${ref} in ${repository.flowsDir}; ${
      all.length === 0
        ? 'it holds no valid flow'
        : `its flows are ${all
            .slice(0, 20)
            .map((f) => `${f.flow.namespace}.${f.flow.id}`)
            .join(', ')}${all.length > 20 ? ', …' : ''}`
    }${problems.length > 0 ? ` (files that did not load: ${problems.slice(0, 5).join('; ')})` : ''}`,
  );
}
