/**
 * Validate one flow file: YAML syntax, the schema (with pluginDefaults applied, as Kestra does before
 * validating), then semantic checks. Every finding is collected with its source range.
 */
import type { Issue, PathSegment, Severity } from '../issue.ts';
import { formatPath, START_OF_FILE } from '../issue.ts';
import { applyPluginDefaults, withInheritedDefaults } from '../plugin-defaults.ts';
import { defaultRegistry, Flow, type PluginDefault } from '../schema/flow.ts';
import type { TaskNode, TaskRegistry } from '../tasks/registry.ts';
import { allTasks, walkTasks } from '../tasks/walk.ts';
import { includeTemplates, type TemplateDocument, type TemplateLookup } from '../templates.ts';
import { type FlowSource, parseFlowSource } from '../yaml/source.ts';
import { checks } from './checks/index.ts';
import { translateZodIssues } from './zod-issues.ts';

export interface ValidationResult {
  /** The validated flow, present only when there is no error. */
  flow?: Flow;
  /** The templates its Template tasks included, by `templateKey` (none: empty). */
  templates: Record<string, TemplateDocument>;
  issues: Issue[];
  source: FlowSource;
}

const WARNINGS = new Set(['unknown-plugin-default-type', 'deprecated-input-name', 'deprecated-task-type']);

export interface ValidateOptions {
  /**
   * Installed plugin versions: the problem with a task's `version:` (pluginDefaults applied), or
   * undefined when it resolves. Without it, versions are not checked (the runner still is).
   */
  pluginVersion?(type: string, version: string): string | undefined;
  /**
   * The pluginDefaults the flow's namespace gives it (`.osprey.yml` `pluginDefaults`, or those
   * stored with a deployed revision). They apply before the flow's own, and the returned flow's
   * `pluginDefaults` includes them, so the engine applies the same.
   */
  namespaceDefaults?(namespace: string): readonly PluginDefault[];
  /** The repository's templates (`templates/**.yaml`): Template tasks include them. Absent: none. */
  templates?: TemplateLookup;
}

export function validateFlowSource(
  text: string,
  registry: TaskRegistry = defaultRegistry,
  options: ValidateOptions = {},
): ValidationResult {
  const source = parseFlowSource(text);
  if (source.issues.length > 0) return { issues: source.issues, source, templates: {} };
  const written = source.value;
  if (written === null || typeof written !== 'object' || Array.isArray(written)) return notAFlow(source);
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

  const { doc, used: templates } = includeTemplates(
    withDeprecatedInputNames(written as Record<string, unknown>, add),
    registry,
    options.templates,
    add,
  );
  const inherited =
    typeof doc['namespace'] === 'string' ? (options.namespaceDefaults?.(doc['namespace']) ?? []) : [];
  const defaulted = withPluginDefaults(doc, registry, inherited);
  const { parsed, effective, dropped } = parseWithoutNulls(defaulted);
  if (!parsed.success) {
    for (const raw of translateZodIssues(parsed.error.issues, effective, registry)) {
      const wasNull = raw.code === 'missing-property' && dropped.has(formatPath(raw.path));
      add(raw.code, raw.path, wasNull ? `${raw.message}: it is null here` : raw.message, raw.target);
    }
  }
  const ctx = { doc, tasks: allTasks(doc, registry), registry, report: add };
  for (const check of checks) check(ctx);
  if (options.pluginVersion !== undefined)
    checkPluginVersions(doc, defaulted, registry, options.pluginVersion, add);

  issues.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
  const hasError = issues.some((i) => i.severity === 'error');
  if (hasError || !parsed.success) return { issues, source, templates };
  const flow = parsed.data as Flow;
  if (inherited.length === 0) return { flow, issues, source, templates };
  const { taskDefaults, pluginDefaults, ...rest } = flow;
  const own = [...(taskDefaults ?? []), ...(pluginDefaults ?? [])];
  return {
    flow: { ...rest, pluginDefaults: withInheritedDefaults(inherited, own) },
    issues,
    source,
    templates,
  };
}

/**
 * Kestra's JSON mapper reads `key: null` as an absent optional property, and a number or boolean
 * where text is expected as that text (`message: 42`). A null the schema refuses is dropped, a
 * scalar it refuses where a string would do becomes a string, and the flow is read again; a
 * required property left missing is then reported as such.
 */
function parseWithoutNulls(doc: Record<string, unknown>): {
  parsed: ReturnType<typeof Flow.safeParse>;
  effective: Record<string, unknown>;
  dropped: Set<string>;
} {
  let effective = doc;
  const dropped = new Set<string>();
  for (;;) {
    const parsed = Flow.safeParse(effective);
    if (parsed.success) return { parsed, effective, dropped };
    const keyed = parsed.error.issues.filter((i) => i.path.length > 0 && typeof i.path.at(-1) === 'string');
    const nulls = keyed.map((i) => i.path).filter((path) => valueAt(effective, path) === null);
    const scalars = keyed.filter((i) => {
      const v = valueAt(effective, i.path);
      return (typeof v === 'number' || typeof v === 'boolean') && acceptsString(i);
    });
    if (nulls.length === 0 && scalars.length === 0) return { parsed, effective, dropped };
    effective = structuredClone(effective);
    for (const path of nulls) dropped.add(formatPath(path as PathSegment[]));
    for (const path of nulls)
      delete (valueAt(effective, path.slice(0, -1)) as Record<string, unknown>)[path.at(-1) as string];
    for (const { path } of scalars) {
      const parent = valueAt(effective, path.slice(0, -1)) as Record<string, unknown>;
      parent[path.at(-1) as string] = String(parent[path.at(-1) as string]);
    }
  }
}

/** The issue says a string would have been accepted there (directly or as one branch of a union). */
function acceptsString(issue: { code: string; expected?: unknown; errors?: unknown }): boolean {
  if (issue.code === 'invalid_type') return issue.expected === 'string';
  if (issue.code !== 'invalid_union' || !Array.isArray(issue.errors)) return false;
  return (issue.errors as Array<Array<{ code: string; expected?: unknown; path: unknown[] }>>).some(
    (branch) =>
      branch.some((e) => e.path.length === 0 && e.code === 'invalid_type' && e.expected === 'string'),
  );
}

/** The value at `path` inside a parsed document (undefined where the path leaves it). */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function notAFlow(source: FlowSource): ValidationResult {
  const issue: Issue = {
    code: 'not-a-flow',
    path: '',
    message: 'a flow is a YAML map with at least id, namespace and tasks',
    range: source.rangeOf([]) ?? START_OF_FILE,
    severity: 'error',
  };
  return { issues: [issue], source, templates: {} };
}

/**
 * Kestra before 0.15 named inputs with `name`; it still accepts `name` as the id (the id wins when
 * both are given). The flow is read with `id` set; a warning says to rename it.
 */
function withDeprecatedInputNames(
  doc: Record<string, unknown>,
  add: (code: string, path: PathSegment[], message: string, target: 'key') => void,
): Record<string, unknown> {
  const inputs = doc['inputs'];
  if (!Array.isArray(inputs)) return doc;
  let changed: unknown[] | undefined;
  inputs.forEach((input, i) => {
    if (input === null || typeof input !== 'object' || !('name' in input)) return;
    const { name, ...rest } = input as Record<string, unknown>;
    const id = (input as Record<string, unknown>)['id'];
    add(
      'deprecated-input-name',
      ['inputs', i, 'name'],
      id === undefined
        ? `the input property 'name' is deprecated since Kestra 0.15; rename it to 'id: ${String(name)}'`
        : `the input property 'name' is deprecated since Kestra 0.15 and ignored here, as 'id' is given; remove it`,
      'key',
    );
    changed ??= [...inputs];
    changed[i] = { id: id ?? name, ...rest };
  });
  return changed === undefined ? doc : { ...doc, inputs: changed };
}

/** Each task's `version:` (its own or from pluginDefaults) must name an installed version. */
function checkPluginVersions(
  written: Record<string, unknown>,
  defaulted: Record<string, unknown>,
  registry: TaskRegistry,
  problemOf: NonNullable<ValidateOptions['pluginVersion']>,
  add: (code: string, path: PathSegment[], message: string) => void,
): void {
  walkTasks(defaulted, registry, ({ task, path }) => {
    const version = task['version'];
    const type = registry.get(task.type)?.type;
    if (typeof version !== 'string' || type === undefined) return;
    const problem = problemOf(type, version);
    if (problem === undefined) return;
    const own = valueAt(written, [...path, 'version']) !== undefined;
    add(
      'unknown-plugin-version',
      own ? [...path, 'version'] : path,
      `task '${task.id}': ${problem}${own ? '' : " (the version comes from pluginDefaults: the flow's, or its namespace's in .osprey.yml)"}`,
    );
  });
}

function withPluginDefaults(
  doc: Record<string, unknown>,
  registry: TaskRegistry,
  inherited: readonly PluginDefault[],
): Record<string, unknown> {
  const defaults = withInheritedDefaults(inherited, [
    ...asDefaults(doc['pluginDefaults']),
    ...asDefaults(doc['taskDefaults']),
  ]);
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
