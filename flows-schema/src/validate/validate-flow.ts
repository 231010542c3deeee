/**
 * Validate one flow file: YAML syntax, the schema (with pluginDefaults applied, as Kestra does before
 * validating), then semantic checks. Every finding is collected with its source range.
 */
import type { Issue, PathSegment, Severity } from '../issue.ts';
import { formatPath, START_OF_FILE } from '../issue.ts';
import { applyPluginDefaults } from '../plugin-defaults.ts';
import { defaultRegistry, Flow, type PluginDefault } from '../schema/flow.ts';
import type { TaskNode, TaskRegistry } from '../tasks/registry.ts';
import { allTasks, walkTasks } from '../tasks/walk.ts';
import { type FlowSource, parseFlowSource } from '../yaml/source.ts';
import { checks } from './checks/index.ts';
import { translateZodIssues } from './zod-issues.ts';

export interface ValidationResult {
  /** The validated flow, present only when there is no error. */
  flow?: Flow;
  issues: Issue[];
  source: FlowSource;
}

const WARNINGS = new Set(['unknown-plugin-default-type']);

export function validateFlowSource(text: string, registry: TaskRegistry = defaultRegistry): ValidationResult {
  const source = parseFlowSource(text);
  if (source.issues.length > 0) return { issues: source.issues, source };
  const doc = source.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const issue: Issue = {
      code: 'not-a-flow',
      path: '',
      message: 'a flow is a YAML map with at least id, namespace and tasks',
      range: source.rangeOf([]) ?? START_OF_FILE,
      severity: 'error',
    };
    return { issues: [issue], source };
  }
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const add = (
    code: string,
    path: PathSegment[],
    message: string,
    target: 'key' | 'value' = 'value',
    offset?: { text: string },
    severity: Severity = WARNINGS.has(code) ? 'warning' : 'error',
  ) => {
    const key = `${code}|${formatPath(path)}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const range = offset ? source.locate(path, offset.text) : source.rangeOf(path, target);
    issues.push({ code, path: formatPath(path), message, range, severity });
  };

  const effective = withPluginDefaults(doc as Record<string, unknown>, registry);
  const parsed = Flow.safeParse(effective);
  if (!parsed.success) {
    for (const raw of translateZodIssues(parsed.error.issues, effective, registry))
      add(raw.code, raw.path, raw.message, raw.target);
  }
  const ctx = { doc: doc as Record<string, unknown>, tasks: allTasks(doc, registry), registry, report: add };
  for (const check of checks) check(ctx);

  issues.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
  const hasError = issues.some((i) => i.severity === 'error');
  return hasError || !parsed.success ? { issues, source } : { flow: parsed.data as Flow, issues, source };
}

function withPluginDefaults(doc: Record<string, unknown>, registry: TaskRegistry): Record<string, unknown> {
  const defaults = [...asDefaults(doc['pluginDefaults']), ...asDefaults(doc['taskDefaults'])];
  if (defaults.length === 0) return doc;
  const copy = structuredClone(doc);
  walkTasks(copy, registry, ({ task }) => {
    const applied = applyPluginDefaults(task, defaults, registry);
    if (applied !== task) Object.assign(task as TaskNode, applied);
  });
  return copy;
}

function asDefaults(value: unknown): PluginDefault[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (d): d is PluginDefault =>
      d !== null &&
      typeof d === 'object' &&
      typeof d.type === 'string' &&
      typeof d.values === 'object' &&
      d.values !== null,
  );
}
