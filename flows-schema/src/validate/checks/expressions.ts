/**
 * Every string holding `{{ }}` or `{% %}` must parse, and the `outputs.<task>` / `inputs.<id>`
 * references it makes should name a task or input of the flow. A reference that rendering certainly
 * reads is an error; a guarded or conditional one (`?? 'd'`, `| default`, `is defined`, inside
 * `{% if %}`) is a warning, since Kestra runs such flows. Reported at the YAML value.
 */
import { checkTemplate, isTemplate } from '../../expressions/index.ts';
import { templateReferences } from '../../expressions/references.ts';
import type { PathSegment } from '../../issue.ts';
import { FlowTrigger } from '../../triggers/triggers.ts';
import { didYouMean } from '../suggest.ts';
import type { Check, CheckContext } from './context.ts';
import { idOf, list } from './context.ts';

function visitStrings(
  value: unknown,
  path: PathSegment[],
  visit: (s: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) visitStrings(v, [...path, i], visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) visitStrings(v, [...path, k], visit);
  }
}

export const expressions: Check = (ctx) => {
  const taskIds = new Set(ctx.tasks.map((t) => t.task.id).filter((id) => typeof id === 'string'));
  for (const { task } of ctx.tasks)
    for (const id of ctx.registry.get(task.type)?.impliedTaskIds?.(task) ?? []) taskIds.add(id);
  const inputIds = new Set(
    list(ctx.doc['inputs'])
      .map(idOf)
      .filter((id): id is string => id !== undefined),
  );
  const elsewhere = otherContexts(ctx);
  visitStrings(ctx.doc, [], (text, path) => {
    if (!isTemplate(text)) return;
    // Subflow and trigger `inputs` keys are names, not references; only their values are templates.
    for (const problem of checkTemplate(text)) {
      const snippet = text.slice(problem.offset, problem.offset + Math.max(problem.length, 1));
      ctx.report('invalid-expression', path, `invalid expression: ${problem.message}`, 'value', {
        text: snippet,
      });
    }
    if (!elsewhere.some((prefix) => startsWith(path, prefix)))
      checkReferences(ctx, text, path, taskIds, inputIds);
  });
};

const FLOW_TRIGGER_TYPES: ReadonlySet<string> = new Set(FlowTrigger.shape.type.options);

/**
 * Where values are rendered in another execution's context, as Kestra does: a Subflow's `outputs`
 * (the child's), a Flow trigger's `inputs` and `labels` (the execution that ended). Their
 * `outputs.<task>` / `inputs.<id>` are that execution's, not this flow's.
 */
function otherContexts(ctx: CheckContext): PathSegment[][] {
  const prefixes: PathSegment[][] = [];
  for (const { task, path } of ctx.tasks)
    for (const key of ctx.registry.get(task.type)?.otherContext ?? []) prefixes.push([...path, key]);
  list(ctx.doc['triggers']).forEach((trigger, i) => {
    const type = (trigger as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && FLOW_TRIGGER_TYPES.has(type))
      prefixes.push(['triggers', i, 'inputs'], ['triggers', i, 'labels']);
  });
  return prefixes;
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function checkReferences(
  ctx: CheckContext,
  text: string,
  path: PathSegment[],
  taskIds: Set<string>,
  inputIds: Set<string>,
): void {
  // Dotted input ids (`users.firstName`) are read as nested maps: `inputs.users.firstName`.
  const inputRoots = new Set([...inputIds].map((id) => id.split('.')[0]!));
  for (const ref of templateReferences(text)) {
    const { kind, name, certain } = ref;
    const severity = certain ? 'error' : 'warning';
    const unless = certain ? '' : ' It is guarded or conditional, so the flow may still run; check the name.';
    if (kind === 'outputs' && !taskIds.has(name)) {
      ctx.report(
        'unknown-output-reference',
        path,
        `'outputs.${name}' refers to no task of this flow.${didYouMean(name, [...taskIds])}${unless}`,
        'value',
        { text: ref.text },
        severity,
      );
    } else if (kind === 'inputs' && !inputRoots.has(name)) {
      const known =
        inputIds.size > 0
          ? didYouMean(name, [...inputRoots]) || ` Declared inputs: ${[...inputIds].join(', ')}.`
          : ' This flow declares no inputs.';
      ctx.report(
        'unknown-input-reference',
        path,
        `'inputs.${name}' refers to no input of this flow.${known}${unless}`,
        'value',
        { text: ref.text },
        severity,
      );
    }
  }
}
