/**
 * Does a Git trigger (`io.osprey.trigger.Git`) fire for an event? Filters behave like GitHub Actions
 * workflow filters: branch globs (push: the pushed branch; pull_request: the base branch), path globs
 * over the changed files (`*` within a segment, `**` across), `pathsIgnore` fires unless every
 * changed file is ignored, pull_request `types` default to opened, synchronize, reopened.
 */
import picomatch from 'picomatch';
import type { z } from 'zod';
import type { GitTrigger } from '../../../../flows-schema/src/triggers/triggers.ts';

export type GitTriggerSpec = z.infer<typeof GitTrigger>;

export type GitEvent =
  | { name: 'push'; branch: string; changedFiles?: readonly string[] }
  | { name: 'pull_request'; action: string; baseBranch: string; changedFiles?: readonly string[] };

export const DEFAULT_PULL_REQUEST_TYPES: readonly string[] = ['opened', 'synchronize', 'reopened'];

const GLOB = { dot: true } as const;

export function matchesGitTrigger(trigger: GitTriggerSpec, event: GitEvent): boolean {
  if (trigger.disabled === true) return false;
  if (!trigger.events.includes(event.name)) return false;
  if (event.name === 'pull_request' && !(trigger.types ?? DEFAULT_PULL_REQUEST_TYPES).includes(event.action))
    return false;
  const branch = event.name === 'push' ? event.branch : event.baseBranch;
  if (trigger.branches !== undefined && !picomatch.isMatch(branch, trigger.branches, GLOB)) return false;
  if (trigger.branchesIgnore !== undefined && picomatch.isMatch(branch, trigger.branchesIgnore, GLOB))
    return false;
  return matchesPaths(trigger, event.changedFiles);
}

/** Unknown changed files (no comparison possible) match: better one run too many than a silent miss. */
function matchesPaths(trigger: GitTriggerSpec, files: readonly string[] | undefined): boolean {
  if (trigger.paths === undefined && trigger.pathsIgnore === undefined) return true;
  if (files === undefined) return true;
  const kept =
    trigger.pathsIgnore === undefined
      ? files
      : files.filter((f) => !picomatch.isMatch(f, trigger.pathsIgnore ?? [], GLOB));
  if (kept.length === 0) return false;
  return trigger.paths === undefined || kept.some((f) => picomatch.isMatch(f, trigger.paths ?? [], GLOB));
}
