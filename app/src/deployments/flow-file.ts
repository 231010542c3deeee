/**
 * One flow file read at a commit and validated: the flow (when valid), every issue with its source
 * range, and the namespace/id it declares even when invalid, so messages and diagrams can name it.
 */
import type { Issue, PathSegment, Range } from '../../../flows-schema/src/issue.ts';
import { namespacePluginDefaults, type RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import type { Flow, PluginDefault } from '../../../flows-schema/src/schema/flow.ts';
import type { TemplateDocument, TemplateLookup } from '../../../flows-schema/src/templates.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import { flowFileStem } from './flow-paths.ts';

export interface FlowFile {
  path: string;
  blobSha: string;
  text: string;
  /** Present only when the file has no error. */
  flow?: Flow;
  /** Errors and warnings, sorted by line. */
  issues: Issue[];
  declared?: { namespace: string; id: string };
  /** The pluginDefaults `.osprey.yml` gives the declared namespace (applied before the flow's own). */
  pluginDefaults: readonly PluginDefault[];
  /** The templates its Template tasks included, by "namespace/id". */
  templates: Readonly<Record<string, TemplateDocument>>;
  /** The parsed YAML document (partial flows still get a diagram). */
  document: unknown;
  rangeOf(path: readonly PathSegment[], target?: 'key' | 'value'): Range;
}

export function toFlowFile(
  path: string,
  blobSha: string,
  text: string,
  config: Pick<RepoConfig, 'pluginDefaults'> = { pluginDefaults: {} },
  templates?: TemplateLookup,
): FlowFile {
  let pluginDefaults: readonly PluginDefault[] = [];
  const result = validateFlowSource(text, undefined, {
    namespaceDefaults: (namespace) => (pluginDefaults = namespacePluginDefaults(config, namespace)),
    ...(templates === undefined ? {} : { templates }),
  });
  const issues = [...result.issues];
  const doc = result.source.value as { id?: unknown; namespace?: unknown } | null | undefined;
  const declared =
    doc !== null && typeof doc === 'object' && typeof doc.id === 'string' && typeof doc.namespace === 'string'
      ? { namespace: doc.namespace, id: doc.id }
      : undefined;
  if (declared !== undefined && flowFileStem(path) !== declared.id) {
    issues.push({
      code: 'file-name-mismatch',
      path: 'id',
      message: `the file is named '${flowFileStem(path)}' but declares flow id '${declared.id}'; name it ${declared.id}.yaml so the repository convention finds it`,
      range: result.source.rangeOf(['id']),
      severity: 'warning',
    });
  }
  return {
    path,
    blobSha,
    text,
    ...(result.flow !== undefined ? { flow: result.flow } : {}),
    issues,
    ...(declared !== undefined ? { declared } : {}),
    pluginDefaults,
    templates: result.templates,
    document: result.source.value,
    rangeOf: (p, target) => result.source.rangeOf(p, target),
  };
}

export function hasErrors(file: Pick<FlowFile, 'issues'>): boolean {
  return file.issues.some((i) => i.severity === 'error');
}
