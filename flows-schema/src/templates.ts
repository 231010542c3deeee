/**
 * Kestra's templates (deprecated since Kestra 0.11, still found in older flows): a list of tasks
 * (and `errors`) kept under an id in a namespace, included by a `Template` task. Osprey keeps them in
 * git beside flows (`templates/**.yaml`, `.osprey.yml` `templates:`), and includes them when a flow
 * is loaded: the Template task gets the template's `tasks` and `errors` as its children, which the
 * engine runs one after another with `args` as the task run's outputs
 * (`{{ parent.outputs.args.<name> }}`), as Kestra copies them at run time.
 */
import { z } from 'zod';
import type { PathSegment } from './issue.ts';
import { Id, Namespace } from './schema/primitives.ts';
import type { TaskNode, TaskRegistry } from './tasks/registry.ts';
import { walkTasks } from './tasks/walk.ts';
import { parseFlowSource } from './yaml/source.ts';

export const TEMPLATE_TASK = 'io.kestra.plugin.core.flow.Template';

/** A template file, Kestra's shape. Its tasks are validated where a flow includes them. */
export const TemplateDocument = z
  .strictObject({
    id: Id,
    namespace: Namespace,
    description: z.string().optional(),
    tasks: z.array(z.record(z.string(), z.unknown())).min(1, 'a template needs at least one task'),
    errors: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .meta({ title: 'Kestra template (templates/**.yaml)' });
export type TemplateDocument = z.infer<typeof TemplateDocument>;

export function templateKey(namespace: string, id: string): string {
  return `${namespace}/${id}`;
}

/** A template file read and checked: the template, or the first problem with its line. */
export function parseTemplate(
  text: string,
): { template: TemplateDocument; problem?: undefined } | { template?: undefined; problem: string } {
  const source = parseFlowSource(text);
  const first = source.issues[0];
  if (first !== undefined)
    return { problem: `${first.range.start.line}:${first.range.start.col}: ${first.message}` };
  const parsed = TemplateDocument.safeParse(source.value);
  if (parsed.success) return { template: parsed.data };
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []) as PathSegment[];
  const at = source.rangeOf(path).start;
  return { problem: `${at.line}:${at.col}: ${path.join('.') || '(root)'}: ${issue?.message}` };
}

/** The templates a flow can include. */
export interface TemplateLookup {
  get(namespace: string, id: string): TemplateDocument | undefined;
  /** `file: line:col: problem` of template files that could not be read (named in errors). */
  problems?: readonly string[];
}

/** The templates of a repository, from its template files (the first file of an id wins). */
export function templateSet(files: ReadonlyArray<{ path: string; text: string }>): TemplateLookup & {
  fingerprint: string;
} {
  const byKey = new Map<string, TemplateDocument>();
  const problems: string[] = [];
  for (const { path, text } of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const read = parseTemplate(text);
    if (read.template === undefined) {
      problems.push(`${path}: ${read.problem}`);
      continue;
    }
    const key = templateKey(read.template.namespace, read.template.id);
    if (byKey.has(key)) problems.push(`${path}: template ${key} is also declared in another file; keep one`);
    else byKey.set(key, read.template);
  }
  return {
    get: (namespace, id) => byKey.get(templateKey(namespace, id)),
    problems,
    fingerprint: JSON.stringify([...byKey.entries()]),
  };
}

/** Templates stored with a deployed revision. */
export function storedTemplates(
  templates: Readonly<Record<string, TemplateDocument>> | undefined,
): TemplateLookup {
  return { get: (namespace, id) => templates?.[templateKey(namespace, id)] };
}

/**
 * A copy of `doc` whose Template tasks hold their template's tasks and errors (templates may
 * include templates; a cycle is an error), and the templates it used by `templateKey`.
 */
export function includeTemplates(
  doc: Record<string, unknown>,
  registry: TaskRegistry,
  lookup: TemplateLookup | undefined,
  report: (code: string, path: PathSegment[], message: string) => void,
): { doc: Record<string, unknown>; used: Record<string, TemplateDocument> } {
  const used: Record<string, TemplateDocument> = {};
  if (!hasTemplateTask(doc, registry)) return { doc, used };
  const copy = structuredClone(doc);
  walkTasks(copy, registry, ({ task, path, ancestors }) => {
    if (registry.get(task.type)?.type !== TEMPLATE_TASK) return;
    const { namespace, templateId } = task as TaskNode & { namespace?: unknown; templateId?: unknown };
    if (typeof namespace !== 'string' || typeof templateId !== 'string') return; // the schema says so
    const key = templateKey(namespace, templateId);
    if (lookup === undefined) {
      report(
        'template-not-available',
        [...path, 'templateId'],
        `task '${task.id}': templates are read from a repository's templates/ folder, and this flow was not read from one; run it with osprey run or osprey dev in its repository, or deploy it from git`,
      );
      return;
    }
    const including = ancestors.filter((a) => registry.get(a.type)?.type === TEMPLATE_TASK);
    if (including.some((a) => templateKey(String(a['namespace']), String(a['templateId'])) === key)) {
      report(
        'template-cycle',
        [...path, 'templateId'],
        `task '${task.id}': template ${key} includes itself (through ${including.map((a) => `${String(a['namespace'])}/${String(a['templateId'])}`).join(' → ')}); remove the Template task that closes the loop`,
      );
      return;
    }
    const template = lookup.get(namespace, templateId);
    if (template === undefined) {
      const invalid = lookup.problems?.length
        ? ` (template files with problems: ${lookup.problems.join('; ')})`
        : '';
      report(
        'unknown-template',
        [...path, 'templateId'],
        `task '${task.id}': there is no template ${templateId} in namespace ${namespace}; add templates/${templateId}.yaml (id: ${templateId}, namespace: ${namespace}, tasks: [...]) or fix namespace/templateId${invalid}`,
      );
      return;
    }
    used[key] = template;
    task['tasks'] = structuredClone(template.tasks);
    if (template.errors !== undefined && template.errors.length > 0)
      task['errors'] = structuredClone(template.errors);
    else delete task['errors'];
  });
  return { doc: copy, used };
}

function hasTemplateTask(doc: Record<string, unknown>, registry: TaskRegistry): boolean {
  let found = false;
  walkTasks(doc, registry, ({ task }) => {
    found ||= registry.get(task.type)?.type === TEMPLATE_TASK;
  });
  return found;
}
