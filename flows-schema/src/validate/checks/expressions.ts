/**
 * Every string holding `{{ }}` or `{% %}` must parse, and the `outputs.<task>` / `inputs.<id>`
 * references it makes must name a task or input of the flow. Reported at the YAML value.
 */
import { checkTemplate, isTemplate } from '../../expressions/index.ts';
import type { PathSegment } from '../../issue.ts';
import { didYouMean } from '../suggest.ts';
import type { Check, CheckContext } from './context.ts';
import { idOf, list } from './context.ts';

/** `outputs.x` / `inputs.x` not preceded by `.` or a word character (so `trigger.outputs.x` is not one). */
const REFERENCE = /(?<![\w.])(outputs|inputs)\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*['"]([^'"]+)['"]\s*\])/g;

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
  const inputIds = new Set(
    list(ctx.doc['inputs'])
      .map(idOf)
      .filter((id): id is string => id !== undefined),
  );
  visitStrings(ctx.doc, [], (text, path) => {
    if (!isTemplate(text)) return;
    // Subflow and trigger `inputs` keys are names, not references; only their values are templates.
    for (const problem of checkTemplate(text)) {
      const snippet = text.slice(problem.offset, problem.offset + Math.max(problem.length, 1));
      ctx.report('invalid-expression', path, `invalid expression: ${problem.message}`, 'value', {
        text: snippet,
      });
    }
    checkReferences(ctx, text, path, taskIds, inputIds);
  });
};

function checkReferences(
  ctx: CheckContext,
  text: string,
  path: PathSegment[],
  taskIds: Set<string>,
  inputIds: Set<string>,
): void {
  // Flow outputs of a Subflow task are read from the child flow; they are not this flow's tasks.
  for (const block of text.matchAll(/\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g)) {
    const expr = block[1] ?? block[2] ?? '';
    for (const m of expr.matchAll(REFERENCE)) {
      const kind = m[1];
      const name = m[2] ?? m[3] ?? '';
      if (kind === 'outputs' && !taskIds.has(name)) {
        ctx.report(
          'unknown-output-reference',
          path,
          `'outputs.${name}' refers to no task of this flow.${didYouMean(name, [...taskIds])}`,
          'value',
          { text: m[0] },
        );
      } else if (kind === 'inputs' && !inputIds.has(name)) {
        const known =
          inputIds.size > 0
            ? didYouMean(name, [...inputIds]) || ` Declared inputs: ${[...inputIds].join(', ')}.`
            : ' This flow declares no inputs.';
        ctx.report(
          'unknown-input-reference',
          path,
          `'inputs.${name}' refers to no input of this flow.${known}`,
          'value',
          { text: m[0] },
        );
      }
    }
  }
}
