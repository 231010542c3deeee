/**
 * Creates `acme/<name>` in the emulator (and its bare mirror), commits `files` on main and waits for
 * a successful `Osprey / deploy` check run: the flows are deployed and their namespaces owned by
 * the repository.
 */
import assert from 'node:assert/strict';
import { completedCheck } from './checks.ts';
import { waitFor } from './emulator.ts';
import { MirroredRepo } from './mirrored-repo.ts';
import type { OspreyWithGitHub } from './osprey-processes.ts';

export async function deployFlows(
  o: OspreyWithGitHub,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const { repo, sha: root } = await MirroredRepo.create(
    o.emulator.alice,
    name,
    { 'README.md': `# ${name}\n` },
    { bareDir: o.bareDir('acme', name) },
  );
  const sha = await repo.commit('main', root, files, 'flows');
  const check = await waitFor(
    `Osprey / deploy of acme/${name}`,
    () => completedCheck(o.emulator.alice, repo.fullName, sha, 'Osprey / deploy'),
    30_000,
    50,
  );
  assert.equal(check.conclusion, 'success', `${check.output.summary}\n${o.output()}`);
  return sha;
}
