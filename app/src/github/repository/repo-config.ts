/**
 * `.osprey.yml` read from a commit: parsed with the flow YAML parser so that every problem has a
 * line and column (it becomes a check-run annotation), then validated with the `RepoConfig` schema.
 */
import type { Issue } from '../../../../flows-schema/src/issue.ts';
import { START_OF_FILE } from '../../../../flows-schema/src/issue.ts';
import { DEFAULT_REPO_CONFIG, RepoConfig } from '../../../../flows-schema/src/repo-config.ts';
import { parseFlowSource } from '../../../../flows-schema/src/yaml/source.ts';

export const REPO_CONFIG_PATH = '.osprey.yml';

export type RepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; issues: Issue[] };

/** `undefined` text means the file does not exist: the defaults apply. */
export function parseRepoConfig(text: string | undefined): RepoConfigResult {
  if (text === undefined) return { ok: true, config: DEFAULT_REPO_CONFIG };
  const source = parseFlowSource(text);
  if (source.issues.length > 0) return { ok: false, issues: source.issues };
  const parsed = RepoConfig.safeParse(source.value ?? {});
  if (parsed.success) return { ok: true, config: parsed.data };
  const issues = parsed.error.issues.map((issue): Issue => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = path.length > 0 ? path.join('.') : '(root)';
    return {
      code: 'invalid-repo-config',
      path: where,
      message: `${REPO_CONFIG_PATH} ${where}: ${issue.message}. See docs/flows.md "Repository convention"`,
      range:
        path.length > 0
          ? source.rangeOf(path, issue.code === 'unrecognized_keys' ? 'key' : 'value')
          : START_OF_FILE,
      severity: 'error',
    };
  });
  return { ok: false, issues };
}
