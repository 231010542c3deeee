/**
 * Clone URLs: the credential the app may embed in them (OSPREY_GIT_URL's
 * `https://x-access-token:{token}@host/...`), and where a repository's mirror lives in the cache.
 */
import { join } from 'node:path';

export interface GitCredential {
  /** `x-access-token` for GitHub App installation tokens. */
  username?: string;
  token: string;
}

/**
 * `https://x-access-token:TOKEN@github.com/o/r.git` → the URL without user info, and the credential
 * it carried (the form the app's OSPREY_GIT_URL template produces).
 */
export function splitCredential(url: string): { url: string; credential?: GitCredential } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const credential: GitCredential =
    password === ''
      ? { token: username }
      : { username: username === '' ? 'x-access-token' : username, token: password };
  return { url: parsed.toString(), credential };
}

/** `<cache>/<host>/<path>.git` for a clone URL, an scp-like address or a local path. */
export function mirrorPath(cacheDir: string, url: string): string {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const parsed = new URL(url);
    host = parsed.protocol === 'file:' ? 'file' : parsed.host;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp !== null && !url.startsWith('/')) {
    host = scp[1] ?? 'unknown';
    path = scp[2] ?? '';
  } else {
    host = 'file';
    path = url;
  }
  const segments = path
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .map((s) => s.replace(/[^A-Za-z0-9._-]/g, '_'));
  const last = segments.pop() ?? 'repository';
  const name = last.endsWith('.git') ? last : `${last}.git`;
  return join(cacheDir, host.replace(/[^A-Za-z0-9._-]/g, '_'), ...segments, name);
}
