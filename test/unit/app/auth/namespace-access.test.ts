/**
 * Who may read and change a namespace: API tokens everything; a person signed in with GitHub what
 * their permission on the owning repository allows, a namespace nobody owns taking its nearest
 * owned parent's repository. And GitHub's permission answers mapped to Osprey's levels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamespaceAccess } from '../../../../app/src/auth/namespace-access.ts';
import type { UserPrincipal } from '../../../../app/src/auth/token-service.ts';
import { permissionOf, safeNext } from '../../../../app/src/console/github-sign-in.ts';

const owners = new Map([
  ['company.team', 'acme/flows'],
  ['company.ops', 'acme/ops'],
  ['company.team.sub', 'acme/sub'],
]);
const access = new NamespaceAccess(async () => owners);
const carol: UserPrincipal = {
  kind: 'user',
  id: 's1',
  name: 'carol',
  repositories: { 'acme/flows': 'read', 'acme/sub': 'write' },
  admin: false,
};

describe('NamespaceAccess', () => {
  it('API tokens may do everything, runners nothing', async () => {
    assert.equal(await access.level({ kind: 'admin', id: 'env', name: 'OSPREY_API_TOKEN' }, 'x.y'), 'write');
    assert.equal(await access.level({ kind: 'api', id: 'a', name: 'ci' }, 'company.ops'), 'write');
    assert.equal(
      await access.level({ kind: 'runner', id: 'r', name: 'r', labels: {} }, 'company.ops'),
      'none',
    );
    assert.equal(await access.readable({ kind: 'api', id: 'a', name: 'ci' }), undefined);
  });

  it("a person: their permission on the owning repository, the nearest owned parent's when unowned", async () => {
    assert.equal(await access.level(carol, 'company.team'), 'read');
    assert.equal(await access.level(carol, 'company.team.other'), 'read', 'inherits company.team');
    assert.equal(await access.level(carol, 'company.team.sub'), 'write', 'its own owner first');
    assert.equal(await access.level(carol, 'company.ops'), 'none');
    assert.equal(await access.level(carol, 'company'), 'none', 'no owned parent: tokens only');
    assert.deepEqual((await access.readable(carol))?.sort(), ['company.team', 'company.team.sub']);
  });
});

describe('GitHub sign-in helpers', () => {
  it("maps GitHub's permission and role names (and the emulator's push/pull)", () => {
    assert.equal(permissionOf({ permission: 'admin' }), 'admin');
    assert.equal(permissionOf({ permission: 'write', role_name: 'maintain' }), 'write');
    assert.equal(permissionOf({ permission: 'push' }), 'write');
    assert.equal(permissionOf({ permission: 'read', role_name: 'triage' }), 'read');
    assert.equal(permissionOf({ permission: 'pull' }), 'read');
    assert.equal(permissionOf({ permission: 'none' }), undefined);
  });

  it('goes back only to console pages after signing in', () => {
    assert.equal(safeNext('/ui/flows?namespace=a'), '/ui/flows?namespace=a');
    for (const bad of [
      'https://evil.example/ui/x',
      '//evil.example/ui/',
      '/ui//evil.example',
      '/ui/auth/github',
      '/api/v1/x',
      undefined,
    ]) {
      assert.equal(safeNext(bad), '/ui/executions', String(bad));
    }
  });
});
