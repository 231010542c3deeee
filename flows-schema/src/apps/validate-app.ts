/**
 * Validate one app file (`apps/**.yaml`): YAML syntax, the schema, then what the schema cannot say
 * — a block placed on a stage where it has no meaning, a stage listed twice, an unknown block type
 * with the nearest known one. Every finding carries its source range, like a flow's.
 */
import { formatPath, type Issue, type PathSegment, START_OF_FILE } from '../issue.ts';
import { didYouMean } from '../validate/suggest.ts';
import { valueAt } from '../validate/validate-flow.ts';
import { type FlowSource, parseFlowSource } from '../yaml/source.ts';
import { App, BLOCK_KINDS, blockKind } from './app.ts';

export interface AppValidationResult {
  /** The validated app, present only when there is no error. */
  app?: App;
  issues: Issue[];
  source: FlowSource;
}

const BLOCK_TYPES = BLOCK_KINDS.flatMap((k) => [k.type, ...k.aliases]);

export function validateAppSource(text: string): AppValidationResult {
  const source = parseFlowSource(text);
  if (source.issues.length > 0) return { issues: source.issues, source };
  const doc = source.value;
  const issues: Issue[] = [];
  const add = (code: string, path: PathSegment[], message: string, target: 'key' | 'value' = 'value') =>
    issues.push({
      code,
      path: formatPath(path),
      message,
      range: source.rangeOf(path, target),
      severity: 'error',
    });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    issues.push({
      code: 'not-an-app',
      path: '',
      message: 'an app is a YAML map with at least id, type, namespace and flowId',
      range: START_OF_FILE,
      severity: 'error',
    });
    return { issues, source };
  }
  const written = doc as Record<string, unknown>;
  // Blocks are checked one by one first: a union error on a block would hide which property is wrong.
  const layout = Array.isArray(written['layout']) ? (written['layout'] as unknown[]) : [];
  const blockPaths = new Set<string>();
  const stages = new Map<string, number>();
  layout.forEach((stage, s) => {
    if (stage === null || typeof stage !== 'object') return;
    const on = (stage as Record<string, unknown>)['on'];
    if (typeof on === 'string') {
      const first = stages.get(on);
      if (first !== undefined)
        add(
          'duplicate-app-stage',
          ['layout', s, 'on'],
          `stage ${on} is already laid out at layout[${first}]; merge the two`,
        );
      else stages.set(on, s);
    }
    const blocks = (stage as Record<string, unknown>)['blocks'];
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block, b) => {
      const path: PathSegment[] = ['layout', s, 'blocks', b];
      blockPaths.add(formatPath(path));
      const type = (block as Record<string, unknown> | null)?.['type'];
      if (typeof type !== 'string') {
        add(
          'missing-property',
          path,
          'a block needs a type, e.g. io.kestra.plugin.ee.apps.core.blocks.Markdown',
        );
        return;
      }
      const kind = blockKind(type);
      if (kind === undefined) {
        const near = didYouMean(type, BLOCK_TYPES);
        add('unknown-block-type', [...path, 'type'], `unknown app block type '${type}'.${near}`);
        return;
      }
      if (typeof on === 'string' && !kind.stages.includes(on as never)) {
        add(
          'block-not-on-stage',
          [...path, 'type'],
          `a ${kind.name} block has no meaning on stage ${on}; it belongs on ${kind.stages.join(', ')}`,
        );
      }
    });
  });
  const parsed = App.safeParse(written);
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      const path = zi.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      const at = formatPath(path);
      // A block whose type is already reported: its union error says nothing more.
      const reported = issues.some((i) => i.path === at || (blockPaths.has(at) && i.path.startsWith(at)));
      if (reported && zi.code !== 'unrecognized_keys') continue;
      if (zi.code === 'unrecognized_keys') {
        for (const key of zi.keys)
          add(
            'unknown-property',
            [...path, key],
            `${at === '' ? '' : `${at}: `}unknown property '${key}'`,
            'key',
          );
        continue;
      }
      if (at === 'access') {
        add(
          'invalid-app',
          path,
          `access is PUBLIC or PRIVATE (or a map with type: PUBLIC | PRIVATE and groups), not ${JSON.stringify(valueAt(written, path))}`,
        );
        continue;
      }
      const missing = zi.code === 'invalid_type' && valueAt(written, path) === undefined;
      add(
        missing ? 'missing-property' : 'invalid-app',
        path,
        missing ? `${at}: required property is missing` : `${at === '' ? 'app' : at}: ${zi.message}`,
      );
    }
  }
  issues.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
  return issues.length === 0 && parsed.success ? { app: parsed.data, issues, source } : { issues, source };
}
