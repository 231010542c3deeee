/**
 * What the `Osprey / deploy` check run shows, built from a deploy plan: the allow-listed fields the
 * template sees, the title, the conclusion and the annotations.
 */
import type { DeployPlan, TriggerChange } from '../../deployments/plan-deploy.ts';
import type { FlowRevision } from '../../deployments/ports.ts';
import { type Annotation, annotationsOf } from '../checks/annotations.ts';
import type { CheckConclusion } from '../checks/check-runs.ts';

export interface DeployView {
  repository: string;
  branch: string;
  sha: string;
  counts: { added: number; updated: number; removed: number; refused: number; unchanged: number };
  added: Array<{ name: string; path: string; revision: string }>;
  updated: Array<{ name: string; path: string; revision: string }>;
  removed: Array<{ name: string; path: string }>;
  refused: Array<{ path: string; name: string; problem: string; errors: number; kept: string }>;
  triggers: Array<{ flow: string; id: string; type: string; change: string }>;
  fullScan: boolean;
}

export function deployView(
  target: { repository: string; branch: string; sha: string; fullScan: boolean },
  plan: DeployPlan,
  revisions: readonly FlowRevision[],
): DeployView {
  const rev = new Map(
    revisions.filter((r) => !r.deleted).map((r) => [`${r.namespace}.${r.flowId}`, String(r.revision)]),
  );
  const name = (f: { namespace: string; flowId: string }) => `${f.namespace}.${f.flowId}`;
  return {
    ...target,
    counts: {
      added: plan.added.length,
      updated: plan.updated.length,
      removed: plan.removed.length,
      refused: plan.refused.length,
      unchanged: plan.unchanged.length,
    },
    added: plan.added.map((p) => ({ name: name(p), path: p.path, revision: rev.get(name(p)) ?? '' })),
    updated: plan.updated.map((p) => ({ name: name(p), path: p.path, revision: rev.get(name(p)) ?? '' })),
    removed: plan.removed.map((r) => ({ name: name(r), path: r.path })),
    refused: plan.refused.map((r) => {
      const errors = r.issues.filter((i) => i.severity === 'error');
      const first = errors[0];
      return {
        path: r.path,
        name: r.declared ? `${r.declared.namespace}.${r.declared.id}` : '',
        problem: first ? `line ${first.range.start.line}: ${first.message}` : '',
        errors: errors.length,
        kept: r.kept ? `revision ${r.kept.revision} stays deployed` : '',
      };
    }),
    triggers: triggerRows(plan.triggers),
  };
}

export function triggerRows(triggers: {
  registered: readonly TriggerChange[];
  removed: readonly TriggerChange[];
}): DeployView['triggers'] {
  const row = (change: string) => (t: TriggerChange) => ({
    flow: `${t.namespace}.${t.flowId}`,
    id: t.triggerId,
    type: t.type,
    change,
  });
  return [...triggers.registered.map(row('registered')), ...triggers.removed.map(row('removed'))];
}

export function deployTitle(plan: DeployPlan): string {
  const parts = [
    [plan.added.length, 'added'],
    [plan.updated.length, 'updated'],
    [plan.removed.length, 'removed'],
    [plan.refused.length, 'refused'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return said.length > 0 ? `Flows: ${said.join(', ')}` : 'No flow changes';
}

export function deployConclusion(plan: DeployPlan): CheckConclusion {
  return plan.refused.length > 0 ? 'failure' : 'success';
}

/** Every problem of refused files, then warnings of deployed ones. */
export function deployAnnotations(plan: DeployPlan): Annotation[] {
  return [
    ...plan.refused.flatMap((r) => annotationsOf(r.path, r.issues)),
    ...[...plan.added, ...plan.updated].flatMap((p) => annotationsOf(p.path, p.issues)),
  ];
}
