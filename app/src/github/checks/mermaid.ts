/**
 * A flow's task graph (app/src/graph/flow-graph.ts) as a Mermaid flowchart for the validate check
 * run: task lists are chains, flowable tasks and branches are subgraphs, errors/finally get their own.
 */

import type { TaskRegistry } from '../../../../flows-schema/src/tasks/registry.ts';
import {
  type FlowGraph,
  flowGraph,
  type GraphEdge,
  type GraphItem,
  MAX_NODES,
} from '../../graph/flow-graph.ts';

export function flowMermaid(document: unknown, registry?: TaskRegistry): string | undefined {
  const graph: FlowGraph | undefined = flowGraph(document, registry);
  if (graph === undefined) return undefined;
  const lines = ['flowchart TD'];
  emitList(lines, graph.children, graph.edges, '  ');
  for (const list of graph.lists) emitItem(lines, list, '  ');
  if (graph.truncated) lines.push(`  more["… more tasks than a diagram shows (${MAX_NODES})"]`);
  return lines.join('\n');
}

function emitList(
  lines: string[],
  items: readonly GraphItem[],
  edges: readonly GraphEdge[],
  indent: string,
): void {
  for (const item of items) emitItem(lines, item, indent);
  for (const e of edges) lines.push(`${indent}${e.from} --> ${e.to}`);
}

function emitItem(lines: string[], item: GraphItem, indent: string): void {
  if (item.kind === 'task') {
    lines.push(`${indent}${item.id}["${quoted(item.label)}"]`);
    return;
  }
  lines.push(`${indent}subgraph ${item.id}["${quoted(item.label)}"]`, `${indent}  direction TB`);
  emitList(lines, item.children, item.edges, `${indent}  `);
  lines.push(`${indent}end`);
}

/** Mermaid labels in double quotes: quotes and markup characters as entities. */
function quoted(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}
