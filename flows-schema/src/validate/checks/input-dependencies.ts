/** `dependsOn.inputs` of an input must name other inputs of the flow, without cycles. */
import { type Check, findCycles, idOf, list } from './context.ts';

export const inputDependencies: Check = (ctx) => {
  const inputs = list(ctx.doc['inputs']);
  const ids = new Set(inputs.map(idOf).filter((id): id is string => id !== undefined));
  const graph = new Map<string, string[]>();
  const indexOf = new Map<string, number>();
  inputs.forEach((input, i) => {
    const id = idOf(input);
    if (id === undefined) return;
    indexOf.set(id, i);
    const deps = list((input as { dependsOn?: { inputs?: unknown } }).dependsOn?.inputs).filter(
      (d): d is string => typeof d === 'string',
    );
    graph.set(id, deps);
    deps.forEach((dep, j) => {
      if (dep === id) {
        ctx.report(
          'input-depends-on-itself',
          ['inputs', i, 'dependsOn', 'inputs', j],
          `input '${id}' cannot depend on itself`,
        );
      } else if (!ids.has(dep)) {
        ctx.report(
          'unknown-input-dependency',
          ['inputs', i, 'dependsOn', 'inputs', j],
          `input '${id}' depends on unknown input '${dep}'; known inputs: ${[...ids].join(', ')}`,
        );
      }
    });
  });
  for (const cycle of findCycles(graph)) {
    if (cycle.length <= 2) continue; // self-dependency, reported above
    const at = indexOf.get(cycle[0]!) ?? 0;
    ctx.report(
      'input-dependency-cycle',
      ['inputs', at, 'dependsOn'],
      `inputs depend on each other in a cycle: ${cycle.join(' → ')}`,
      'key',
    );
  }
};
