/**
 * The `inputs.<id>` / `outputs.<task>` references a template makes, and whether rendering the
 * template certainly reads each one. A reference is *certain* when it sits in a `{{ }}` block outside
 * every `{% if %}`/`{% for %}`... block and is not guarded: not the left side of `??`/`???`, not the
 * input of `| default`, not the subject of an `is` test, not a branch of `? :`, not the right side of
 * `and`/`or`. A missing name read with certainty fails the render; any other one may be fine at run
 * time (Kestra only evaluates at run time), so validation only warns about it.
 */
import type { Node } from './ast.ts';
import { BinaryOperator } from './ast.ts';
import { parseExpression } from './parser.ts';

export interface TemplateReference {
  readonly kind: 'inputs' | 'outputs';
  /** The first name after `inputs.` / `outputs.`. */
  readonly name: string;
  /** Further member names (`inputs.users.firstName` → `['firstName']`), as far as they are static. */
  readonly rest: readonly string[];
  /** Offset of the reference in the template, and the text written there. */
  readonly offset: number;
  readonly text: string;
  readonly certain: boolean;
}

/** `outputs.x` / `inputs.x` not preceded by `.` or a word character (so `trigger.outputs.x` is not one). */
const REFERENCE =
  /(?<![\w.])(outputs|inputs)\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*['"]([^'"]+)['"]\s*\])((?:\s*\.\s*[A-Za-z0-9_]+)*)/g;
const BLOCK = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const OPENS = new Set(['if', 'unless', 'for', 'case', 'macro', 'block', 'filter', 'capture', 'autoescape']);
const RAW = new Set(['raw', 'verbatim', 'comment']);

function referenceAt(node: Node): { kind: 'inputs' | 'outputs'; name: string; at: number } | undefined {
  if (node.kind !== 'member' && node.kind !== 'index') return undefined;
  const object = node.object;
  if (object.kind !== 'identifier' || (object.name !== 'inputs' && object.name !== 'outputs'))
    return undefined;
  const name =
    node.kind === 'member'
      ? String(node.key)
      : node.index.kind === 'literal' && typeof node.index.value === 'string'
        ? node.index.value
        : undefined;
  return name === undefined ? undefined : { kind: object.name, name, at: object.start };
}

/** Offsets of the references that evaluating `node` reads unconditionally. */
function collectCertain(node: Node, certain: boolean, out: Set<number>): void {
  const ref = referenceAt(node);
  if (ref !== undefined) {
    if (certain) out.add(ref.at);
    return;
  }
  switch (node.kind) {
    case 'literal':
    case 'identifier':
      return;
    case 'member':
      collectCertain(node.object, certain, out);
      return;
    case 'index':
      collectCertain(node.object, certain, out);
      collectCertain(node.index, certain, out);
      return;
    case 'call':
    case 'filter': {
      const read = certain && !(node.kind === 'filter' && node.name === 'default');
      if (node.kind === 'filter') collectCertain(node.input, read, out);
      for (const arg of [...node.args, ...node.named.map((n) => n.value)]) collectCertain(arg, read, out);
      return;
    }
    case 'unary':
      collectCertain(node.operand, certain, out);
      return;
    case 'binary': {
      const op = node.operator;
      const coalesce = op === BinaryOperator.NullCoalesce || op === BinaryOperator.UndefinedCoalesce;
      const shortCircuit = op === BinaryOperator.And || op === BinaryOperator.Or;
      collectCertain(node.left, certain && !coalesce, out);
      collectCertain(node.right, certain && !coalesce && !shortCircuit, out);
      return;
    }
    case 'test':
      collectCertain(node.subject, false, out);
      return;
    case 'ternary':
      collectCertain(node.condition, certain, out);
      collectCertain(node.then, false, out);
      collectCertain(node.otherwise, false, out);
      return;
    case 'list':
      for (const item of node.items) collectCertain(item, certain, out);
      return;
    case 'map':
      for (const entry of node.entries) {
        collectCertain(entry.key, certain, out);
        collectCertain(entry.value, certain, out);
      }
      return;
    case 'interpolation':
      for (const part of node.parts) collectCertain(part, certain, out);
      return;
  }
}

function certainIn(expression: string, base: number): Set<number> {
  const out = new Set<number>();
  // Whitespace control: `{{- x -}}`.
  const lead = /^\s*-?/.exec(expression)?.[0].length ?? 0;
  const body = expression.slice(lead).replace(/-\s*$/, '');
  try {
    collectCertain(parseExpression(body, base + lead), true, out);
  } catch {
    // A syntax error is reported by checkTemplate; its references count as uncertain.
  }
  return out;
}

/** Every `inputs.x` / `outputs.x` reference of `template`, with whether the render certainly reads it. */
export function templateReferences(template: string): TemplateReference[] {
  const found: TemplateReference[] = [];
  let depth = 0;
  let raw: string | undefined;
  for (const block of template.matchAll(BLOCK)) {
    const tag = block[2];
    if (tag !== undefined) {
      const word = /^\s*-?\s*(\w+)/.exec(tag)?.[1] ?? '';
      if (raw !== undefined) {
        if (word === `end${raw}`) raw = undefined;
        continue;
      }
      if (RAW.has(word)) raw = word;
      else if (OPENS.has(word)) depth++;
      else if (word.startsWith('end') && OPENS.has(word.slice(3))) depth = Math.max(0, depth - 1);
    } else if (raw !== undefined) continue;
    const content = block[1] ?? tag ?? '';
    const base = (block.index ?? 0) + 2;
    const certain = tag === undefined && depth === 0 ? certainIn(content, base) : new Set<number>();
    for (const m of content.matchAll(REFERENCE)) {
      const offset = base + (m.index ?? 0);
      found.push({
        kind: m[1] as 'inputs' | 'outputs',
        name: m[2] ?? m[3] ?? '',
        rest: (m[4] ?? '')
          .split('.')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        offset,
        text: m[0],
        certain: certain.has(offset),
      });
    }
  }
  return found;
}
