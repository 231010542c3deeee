/**
 * YAML parsing that keeps source positions: every value of the parsed document can be traced back
 * to the line and column of its key or value, so each finding points at the offending text.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Issue, PathSegment, Range } from '../issue.ts';
import { formatPath, START_OF_FILE } from '../issue.ts';

export interface FlowSource {
  text: string;
  /** The plain JS value of the document (undefined when the YAML could not be parsed). */
  value: unknown;
  /** YAML syntax problems (the document may still have a partial value). */
  issues: Issue[];
  /** Range of the value at `path`; falls back to the nearest ancestor that exists. */
  rangeOf(path: readonly PathSegment[], target?: 'key' | 'value'): Range;
  /** Range of `snippet` inside the source of the value at `path` (falls back to the value's range). */
  locate(path: readonly PathSegment[], snippet: string): Range;
}

const MAX_SOURCE_BYTES = 1024 * 1024;

export function parseFlowSource(text: string): FlowSource {
  const lineCounter = new LineCounter();
  const toRange = (start: number, end: number): Range => {
    const s = lineCounter.linePos(start);
    const e = lineCounter.linePos(Math.max(start, end));
    return { start: { line: s.line, col: s.col }, end: { line: e.line, col: e.col } };
  };
  if (text.length > MAX_SOURCE_BYTES) {
    const issue: Issue = {
      code: 'file-too-large',
      path: '',
      message: `flow file is ${text.length} bytes; the limit is ${MAX_SOURCE_BYTES}. Split it or move data into namespace files`,
      range: START_OF_FILE,
      severity: 'error',
    };
    return {
      text,
      value: undefined,
      issues: [issue],
      rangeOf: () => START_OF_FILE,
      locate: () => START_OF_FILE,
    };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: Issue[] = [];
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    const duplicate = err.code === 'DUPLICATE_KEY';
    issues.push({
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      path: '',
      message: duplicate
        ? `${firstLine(err.message)}: remove or rename one of them`
        : `invalid YAML: ${firstLine(err.message)}`,
      range: toRange(start, end),
      severity: 'error',
    });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      issues.push({
        code: 'yaml-syntax',
        path: '',
        message: `invalid YAML: ${(e as Error).message}`,
        range: START_OF_FILE,
        severity: 'error',
      });
    }
  }
  return {
    text,
    value,
    issues,
    rangeOf: (path, target = 'value') => rangeIn(doc, path, target, toRange),
    locate: (path, snippet) => {
      const node = doc.getIn(path as PathSegment[], true) as Node | undefined;
      const r = node?.range;
      if (r && snippet !== '') {
        const at = text.slice(r[0], r[1]).indexOf(snippet);
        if (at >= 0) return toRange(r[0] + at, r[0] + at + snippet.length);
      }
      return rangeIn(doc, path, 'value', toRange);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function rangeIn(
  doc: Document,
  path: readonly PathSegment[],
  target: 'key' | 'value',
  toRange: (start: number, end: number) => Range,
): Range {
  let node: unknown = doc.contents;
  let best: Range = START_OF_FILE;
  const rangeOfNode = (n: unknown): Range | undefined => {
    const r = (n as Node | null)?.range;
    return r ? toRange(r[0], r[1]) : undefined;
  };
  best = rangeOfNode(node) ?? best;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) return best;
      const keyRange = rangeOfNode(pair.key);
      if (last && target === 'key' && keyRange) return keyRange;
      node = pair.value;
      best = rangeOfNode(node) ?? keyRange ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return best;
      node = item;
      best = rangeOfNode(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

export { formatPath };
