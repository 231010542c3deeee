/**
 * Deployed revisions as the planner's `LiveFlow`s. Triggers are read lazily from the stored YAML
 * (it was valid when deployed), so a deploy only parses the flows it touches.
 */
import { parse } from 'yaml';
import type { Trigger } from '../../../flows-schema/src/triggers/triggers.ts';
import type { LiveFlow } from './plan-deploy.ts';
import type { FlowRevision } from './ports.ts';

export function liveFlowsOf(revisions: readonly FlowRevision[]): LiveFlow[] {
  return revisions.map((r) => {
    let triggers: readonly Trigger[] | undefined;
    return {
      namespace: r.namespace,
      flowId: r.flowId,
      path: r.path,
      source: r.source,
      pluginDefaults: r.pluginDefaults ?? [],
      templates: r.templates ?? {},
      revision: r.revision,
      get triggers() {
        triggers ??= triggersIn(r.source);
        return triggers;
      },
    };
  });
}

function triggersIn(source: string): readonly Trigger[] {
  try {
    const doc = parse(source) as { triggers?: unknown } | null;
    return Array.isArray(doc?.triggers) ? (doc.triggers as Trigger[]) : [];
  } catch {
    return [];
  }
}
