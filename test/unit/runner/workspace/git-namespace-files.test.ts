/** Namespace files from git at a pinned commit, on real repositories in temp folders. */
import assert from 'node:assert/strict';
import { readFile, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { simpleGit } from 'simple-git';
import type { TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { GitMirrorCache } from '../../../../runner/src/workspace/git-namespace-files.ts';
import { origin, scratch } from './git-repos.ts';

const text = (files: Map<string, Buffer>) =>
  Object.fromEntries([...files].map(([k, v]) => [k, v.toString()]));

test('an execution pinned to commit A still sees A’s files after commit B changes them', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const a = await repo.commit({
    'namespaces/company/files/main.py': 'print("A")',
    'namespaces/company/files/lib/util.py': 'U = 1',
    'flows/hello.yaml': 'id: hello',
  });
  const b = await repo.commit({
    'namespaces/company/files/main.py': 'print("B")',
    'namespaces/company/files/lib/util.py': null,
  });
  const cache = new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') });

  assert.deepEqual(text(await cache.at({ repository: repo.url, sha: b }).read('company')), {
    'main.py': 'print("B")',
  });
  assert.deepEqual(text(await cache.at({ repository: repo.url, sha: a }).read('company')), {
    'lib/util.py': 'U = 1',
    'main.py': 'print("A")',
  });
  assert.equal((await cache.at({ repository: repo.url, sha: a }).read('company.other')).size, 0);
});

test('the mirror is cached per repository: a known SHA needs no network, and only namespace blobs are fetched', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const sha = await repo.commit({
    'namespaces/company/files/main.py': 'print(1)',
    'data/big.bin': 'x'.repeat(100_000),
  });
  const cacheDir = await scratch(t, 'osprey-cache-');
  const cache = new GitMirrorCache({ cacheDir });
  await cache.at({ repository: repo.url, sha }).read('company');
  const mirror = cache.mirrorPath(repo.url);
  assert.ok(mirror.startsWith(join(cacheDir, 'file')) && mirror.endsWith('origin.git'), mirror);

  // Not the whole repository: the big file outside namespaces/ was never fetched.
  const objects = await simpleGit(mirror).raw(['rev-list', '--objects', '--missing=print', sha]);
  const bigOid = (await simpleGit(join(repo.root, 'work')).raw(['rev-parse', `${sha}:data/big.bin`])).trim();
  assert.ok(objects.includes(`?${bigOid}`), `data/big.bin should be missing from the mirror:\n${objects}`);

  // The origin goes away: the pinned commit is still served from the mirror, a new one cannot be.
  await rename(repo.url, `${repo.url}.gone`);
  const again = new GitMirrorCache({ cacheDir });
  assert.deepEqual(text(await again.at({ repository: repo.url, sha }).read('company')), {
    'main.py': 'print(1)',
  });
  await assert.rejects(
    again.at({ repository: repo.url, sha: 'a'.repeat(40) }).read('company'),
    /repository .*origin.git was not found or this runner's credential cannot see it/,
  );
});

test('concurrent reads of one mirror are serialised and all see their own commit', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const shas: string[] = [];
  for (let i = 0; i < 4; i++) shas.push(await repo.commit({ 'namespaces/company/files/n.txt': String(i) }));
  const cacheDir = await scratch(t, 'osprey-cache-');
  const results = await Promise.all(
    [...shas, ...shas].map((sha, i) =>
      // Separate caches share the folder, like two runners on one machine.
      new GitMirrorCache({ cacheDir })
        .at({ repository: repo.url, sha })
        .read('company')
        .then((f) => [i % 4, text(f)] as const),
    ),
  );
  for (const [i, files] of results) assert.deepEqual(files, { 'n.txt': String(i) });
});

test('unknown and malformed SHAs get messages that say what happened', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  await repo.commit({ 'namespaces/company/files/a.txt': 'a' });
  const cache = new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') });
  const unknown = '0123456789abcdef0123456789abcdef01234567';
  await assert.rejects(cache.at({ repository: repo.url, sha: unknown }).read('company'), (e: TaskFailure) => {
    assert.equal(e.message, `git: commit ${unknown} is not in ${repo.url}; was it force-pushed away?`);
    assert.equal(e.retryable, false);
    return true;
  });
  assert.throws(() => cache.at({ repository: repo.url, sha: 'abc123' }), /'abc123' is not a full commit SHA/);
});

test('.osprey.yml at the commit moves the namespaces folder; links and submodule-like entries are skipped', async (t) => {
  const repo = await origin();
  t.after(repo.cleanup);
  const sha = await repo.commit({
    '.osprey.yml': 'namespaceFiles: ops/ns\n',
    'ops/ns/company/files/run.sh': 'echo run',
    'ops/ns/company/files/passwd': { link: '/etc/passwd' },
    'namespaces/company/files/ignored.txt': 'not the configured folder',
  });
  const cache = new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') });
  assert.deepEqual(text(await cache.at({ repository: repo.url, sha }).read('company')), {
    'run.sh': 'echo run',
  });
});

test('a refused credential says to check the installation token; the token never shows', async (t) => {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? '');
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
    res.end('denied');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const cache = new GitMirrorCache({ cacheDir: await scratch(t, 'osprey-cache-') });
  const url = `http://x-access-token:ghs_secret123@127.0.0.1:${port}/acme/flows.git`;
  await assert.rejects(
    cache.at({ repository: url, sha: 'b'.repeat(40) }).read('company'),
    (e: TaskFailure) => {
      assert.match(
        e.message,
        /^git: the runner's repository credential was refused by http:\/\/127\.0\.0\.1:\d+\/acme\/flows\.git; check the app's installation token \/ OSPREY_GIT_URL/,
      );
      assert.ok(!e.message.includes('ghs_secret123'));
      assert.equal(e.retryable, false);
      return true;
    },
  );
  assert.match(cache.mirrorPath(url), /127\.0\.0\.1_\d+\/acme\/flows\.git$/);
  // Sent as a header (never stored in the mirror's config), from the URL or from the job's credential.
  const basic = `Basic ${Buffer.from('x-access-token:ghs_secret123').toString('base64')}`;
  assert.ok(authorizations.includes(basic), authorizations.join(', '));
  const config = await readFile(join(cache.mirrorPath(url), 'config'), 'utf8');
  assert.ok(
    !config.includes('ghs_secret123') && config.includes(`url = http://127.0.0.1:${port}/acme/flows.git`),
    config,
  );

  authorizations.length = 0;
  const plain = `http://127.0.0.1:${port}/acme/flows.git`;
  await assert.rejects(
    cache.at({ repository: plain, sha: 'b'.repeat(40), credential: { token: 'ghs_other' } }).read('company'),
    /credential was refused/,
  );
  assert.ok(authorizations.includes(`Basic ${Buffer.from('x-access-token:ghs_other').toString('base64')}`));
});
