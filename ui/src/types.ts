/** The API's JSON shapes the console reads (docs/api.md); a subset of the server's types. */
export type StateName = string;

export interface StateDocument {
  current: StateName;
  histories: Array<{ state: StateName; date: string }>;
  startDate?: string;
  endDate?: string;
  duration?: string;
}

export interface TaskRun {
  id: string;
  taskId: string;
  parentTaskRunId?: string;
  value?: string;
  state: StateDocument;
  attempts: Array<{ state: StateDocument }>;
  outputs?: Record<string, unknown>;
}

export interface ExecutionDocument {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number;
  state: StateDocument;
  taskRunList: TaskRun[];
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  labels: Array<{ key: string; value: string }>;
  trigger?: { id: string; type: string };
  parentId?: string;
  originalId?: string;
  source?: { repository?: string; sha?: string; path?: string };
}

export interface LogEntry {
  taskId?: string;
  taskRunId?: string;
  level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  timestamp: string;
}

export interface FlowInput {
  id: string;
  type: string;
  description?: string;
  displayName?: string;
  required?: boolean;
  defaults?: unknown;
  values?: string[] | string;
  options?: string[];
  min?: number;
  max?: number;
}

export interface FlowDocument {
  id: string;
  namespace: string;
  revision: number;
  repository: string;
  branch: string;
  path: string;
  sha: string;
  updated: string;
  description?: string;
  disabled?: boolean;
  inputs?: FlowInput[];
  /** The flow's tasks as committed (a tree: flowables hold their own). */
  tasks?: unknown[];
  errors?: unknown[];
  finally?: unknown[];
  afterExecution?: unknown[];
  source?: string;
}

/** `GET /flows/{namespace}/{id}/revisions`: one per commit that changed the flow's file. */
export interface FlowRevisionDocument {
  id: string;
  namespace: string;
  revision: number;
  deleted: boolean;
  repository: string;
  branch: string;
  path: string;
  sha: string;
  updated: string;
  source: string;
}

/** `GET /flows/{namespace}/{id}/triggers`. */
export interface FlowTrigger {
  id: string;
  type: string;
  kind: string;
  disabled: boolean;
  stopped: boolean;
  problem?: string;
  nextFireAt?: string;
  definition: Record<string, unknown>;
}

export interface Page<T> {
  results: T[];
  total: number;
}

export const STATES = [
  'CREATED',
  'QUEUED',
  'RUNNING',
  'PAUSED',
  'RETRYING',
  'KILLING',
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
  'SKIPPED',
  'RETRIED',
] as const;
