/**
 * Clone URLs for repositories the server can name without a GitHub App: an execution whose
 * `source.repository` is already a URL (`https://…`, `file://…`) or an absolute path is cloned from
 * there as is. Repositories named `owner/name` need the GitHub App's access (`useGitAccess`).
 */
import { isAbsolute } from 'node:path';
import type { GitAccess } from '../dispatch/task-dispatcher.ts';

export function localGitAccess(): GitAccess {
  return {
    cloneUrl: async (repository) =>
      /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) || isAbsolute(repository) ? repository : undefined,
  };
}
