/**
 * The flow language: schemas, validation with source positions, the task registry and expressions.
 * No I/O beyond what it is handed.
 */
export type { Issue, PathSegment, Position, Range, Severity } from './issue.ts';
export { formatIssue, formatPath } from './issue.ts';
export { applyPluginDefaults } from './plugin-defaults.ts';
export { buildFlowSchema, defaultRegistry, Flow, PluginDefault, Sla, Task } from './schema/flow.ts';
export { Input, Output } from './schema/inputs.ts';
export { cronProblem, hasExpression, labelList } from './schema/primitives.ts';
export { type TaskDefinition, type TaskNode, TaskRegistry } from './tasks/registry.ts';
export { allTasks, walkTasks } from './tasks/walk.ts';
export { isoDuration, parseDuration } from './time.ts';
export { GIT_TRIGGER_TYPE, Trigger } from './triggers/triggers.ts';
export { type ValidationResult, validateFlowSource } from './validate/validate-flow.ts';
export { parseFlowSource } from './yaml/source.ts';
