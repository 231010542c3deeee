/**
 * What the `Osprey / validate` check run shows: the flows a pull request adds, modifies or removes
 * compared with what is deployed, the triggers that merging would register or remove, the refused
 * files, and a Mermaid diagram of each changed flow (as many as fit GitHub's summary limit).
 */
import type { FlowFile } from '../../deployments/flow-file.ts';
import type { DeployPlan } from '../../deployments/plan-deploy.ts';
import { type Annotation, annotationsOf } from '../checks/annotations.ts';
import { flowMermaid } from '../checks/mermaid.ts';
import { type DeployView, triggerRows } from '../deploy/deploy-view.ts';

export interface ValidateView {
  repository: string;
  number: number;
  sha: string;
  counts: {
    added: number;
    modified: number;
    removed: number;
    refused: number;
    unchanged: number;
    warnings: number;
  };
  added: Array<{ name: string; path: string }>;
  modified: Array<{ name: string; path: string }>;
  removed: Array<{ name: string; path: string }>;
  refused: DeployView['refused'];
  triggers: DeployView['triggers'];
  diagrams: Array<{ name: string; path: string; mermaid: string }>;
  omittedDiagrams: string[];
}

/** Characters of Mermaid the summary may hold (GitHub's limit is 65 535 for the whole summary). */
const DIAGRAM_BUDGET = 45_000;

export function validateView(
  target: { repository: string; number: number; sha: string },
  plan: DeployPlan,
  files: readonly FlowFile[],
): ValidateView {
  const name = (f: { namespace: string; flowId: string }) => `${f.namespace}.${f.flowId}`;
  const refusedPaths = new Set(plan.refused.map((r) => r.path));
  const changed = [...plan.added, ...plan.updated].map((p) => p.path);
  const drawn = files.filter((f) => changed.includes(f.path) || refusedPaths.has(f.path));
  const diagrams: ValidateView['diagrams'] = [];
  const omittedDiagrams: string[] = [];
  let used = 0;
  for (const file of drawn) {
    const mermaid = flowMermaid(file.document);
    if (mermaid === undefined) continue;
    const label = file.declared ? `${file.declared.namespace}.${file.declared.id}` : file.path;
    if (used + mermaid.length > DIAGRAM_BUDGET) {
      omittedDiagrams.push(label);
      continue;
    }
    used += mermaid.length;
    diagrams.push({ name: label, path: file.path, mermaid });
  }
  return {
    ...target,
    counts: {
      added: plan.added.length,
      modified: plan.updated.length,
      removed: plan.removed.length,
      refused: plan.refused.length,
      unchanged: plan.unchanged.length,
      warnings: [...plan.added, ...plan.updated, ...plan.unchanged].reduce((n, p) => n + p.issues.length, 0),
    },
    added: plan.added.map((p) => ({ name: name(p), path: p.path })),
    modified: plan.updated.map((p) => ({ name: name(p), path: p.path })),
    removed: plan.removed.map((r) => ({ name: name(r), path: r.path })),
    refused: plan.refused.map((r) => {
      const errors = r.issues.filter((i) => i.severity === 'error');
      const first = errors[0];
      return {
        path: r.path,
        name: r.declared ? `${r.declared.namespace}.${r.declared.id}` : '',
        problem: first ? `line ${first.range.start.line}: ${first.message}` : '',
        errors: errors.length,
        kept: '',
      };
    }),
    triggers: triggerRows(plan.triggers),
    diagrams,
    omittedDiagrams,
  };
}

export function validateTitle(plan: DeployPlan): string {
  const errors = plan.refused.reduce((n, r) => n + r.issues.filter((i) => i.severity === 'error').length, 0);
  if (plan.refused.length > 0)
    return `${errors} error${errors === 1 ? '' : 's'} in ${plan.refused.length} flow file${plan.refused.length === 1 ? '' : 's'}`;
  const changed = plan.added.length + plan.updated.length + plan.removed.length;
  return changed === 0 ? 'No flow changes' : `${changed} flow change${changed === 1 ? '' : 's'}, all valid`;
}

export function validateAnnotations(plan: DeployPlan): Annotation[] {
  return [
    ...plan.refused.flatMap((r) => annotationsOf(r.path, r.issues)),
    ...[...plan.added, ...plan.updated, ...plan.unchanged].flatMap((p) => annotationsOf(p.path, p.issues)),
  ];
}
