/**
 * The registry of task types: each definition names its Kestra type (plus older aliases), its own
 * properties and, for flowable tasks, where its child tasks live. Plugins add a definition to
 * `definitions.ts`; nothing in the core switches on type names.
 */
import type { z } from 'zod';
import type { PathSegment } from '../issue.ts';

export const TaskKind = { runnable: 'runnable', flowable: 'flowable' } as const;
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];

/** A raw task object from a flow (validated or not). */
export type TaskNode = { id: string; type: string } & Record<string, unknown>;

export interface ChildTask {
  /** Path from the parent task to the child, e.g. `['then', 0]`. */
  path: PathSegment[];
  task: TaskNode;
}

export interface TaskDefinition {
  /** Canonical Kestra type name, e.g. `io.kestra.plugin.core.log.Log`. */
  type: string;
  /** Older names that mean the same task, e.g. `io.kestra.core.tasks.log.Log`. */
  aliases?: readonly string[];
  kind: TaskKind;
  /** The type's own properties (common task properties are added by the registry). */
  properties: z.core.$ZodLooseShape;
  description: string;
  /** Child tasks of a flowable task, for traversal (ids, dependencies, the engine). */
  children?(task: TaskNode): ChildTask[];
  /** Semantic checks specific to the type, beyond its schema. */
  check?(task: TaskNode, ctx: TaskCheckContext): void;
  /**
   * Ids of the children the engine runs for this task that the flow does not list (ForEachItem's
   * `<id>_split`, `<id>_items`, `<id>_merge`, as in Kestra): `outputs.<id>` may name them.
   */
  impliedTaskIds?(task: TaskNode): string[];
  /**
   * Properties rendered in another execution's context (Subflow's `outputs`, in the child's): their
   * `outputs.<task>` and `inputs.<id>` references are not checked against this flow.
   */
  otherContext?: readonly string[];
  /** Deprecated in Kestra: what to use instead (a validation warning says so). */
  deprecated?: string;
  /** A Kestra type Osprey cannot run: why and what to write instead (a validation error says so). */
  refused?: string;
  /** The task runs in a working directory: its properties may use `{{ workingDir }}`. */
  workingDirectory?: boolean;
  /**
   * Properties the task renders itself, per item, with the item's fields as variables (FilterItems'
   * `filterCondition`): the control plane hands them to the job as written, not rendered.
   */
  renderedByTask?: readonly string[];
}

export interface TaskCheckContext {
  flow: { id: string; namespace: string };
  report(code: string, path: PathSegment[], message: string, target?: 'key' | 'value'): void;
}

export class TaskRegistry {
  readonly #byType = new Map<string, TaskDefinition>();
  readonly #definitions: TaskDefinition[] = [];

  constructor(definitions: readonly TaskDefinition[]) {
    for (const d of definitions) this.add(d);
  }

  add(definition: TaskDefinition): void {
    for (const name of [definition.type, ...(definition.aliases ?? [])]) {
      if (this.#byType.has(name)) throw new Error(`task type ${name} is registered twice`);
      this.#byType.set(name, definition);
    }
    this.#definitions.push(definition);
  }

  get(type: string): TaskDefinition | undefined {
    return this.#byType.get(type);
  }

  definitions(): readonly TaskDefinition[] {
    return this.#definitions;
  }

  typeNames(): string[] {
    return [...this.#byType.keys()];
  }

  /** The direct children of a task (empty for runnable or unknown types). */
  children(task: TaskNode): ChildTask[] {
    return this.get(task.type)?.children?.(task) ?? [];
  }
}

/** Child tasks of a property holding a task list (`tasks`, `errors`, `then`, ...). */
export function listChildren(task: TaskNode, ...keys: string[]): ChildTask[] {
  const out: ChildTask[] = [];
  for (const key of keys) {
    const list = task[key];
    if (!Array.isArray(list)) continue;
    list.forEach((child, i) => {
      if (isTaskNode(child)) out.push({ path: [key, i], task: child });
    });
  }
  return out;
}

export function isTaskNode(value: unknown): value is TaskNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
