import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  defaultGitUrlTemplate,
  loadGitHubAppConfig,
  renderGitUrl,
} from '../../../../app/src/github/config.schema.ts';
import { GitHubActionError, translateGitHubError } from '../../../../app/src/github/github-errors.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('loadGitHubAppConfig', () => {
  it('reads Probot variables with defaults for github.com', () => {
    const config = loadGitHubAppConfig({
      APP_ID: '123',
      PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'),
      WEBHOOK_SECRET: 's',
    });
    assert.equal(config.appId, 123);
    assert.equal(config.privateKey, privateKey.trim());
    assert.equal(config.apiUrl, 'https://api.github.com');
    assert.equal(config.gitUrlTemplate, 'https://x-access-token:{token}@github.com/{owner}/{repo}.git');
    assert.equal(config.publicUrl, undefined);
  });

  it('reads the key from PRIVATE_KEY_PATH and a GitHub Enterprise Server API URL', () => {
    const config = loadGitHubAppConfig(
      {
        APP_ID: '1',
        PRIVATE_KEY_PATH: '/keys/app.pem',
        WEBHOOK_SECRET: 's',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        OSPREY_PUBLIC_URL: 'https://osprey.example.com/',
      },
      (path) => (path === '/keys/app.pem' ? privateKey : ''),
    );
    assert.equal(config.apiUrl, 'https://ghe.example.com/api/v3');
    assert.equal(config.gitUrlTemplate, 'https://x-access-token:{token}@ghe.example.com/{owner}/{repo}.git');
    assert.equal(config.publicUrl, 'https://osprey.example.com');
  });

  it('lists every problem with the variable name', () => {
    assert.throws(
      () => loadGitHubAppConfig({ APP_ID: 'abc', GITHUB_API_URL: 'not a url' }),
      (e: Error) =>
        /APP_ID: must be the numeric App ID/.test(e.message) &&
        /WEBHOOK_SECRET: required/.test(e.message) &&
        /GITHUB_API_URL: must be a URL/.test(e.message) &&
        /PRIVATE_KEY: required \(or PRIVATE_KEY_PATH\)/.test(e.message),
    );
    assert.throws(
      () => loadGitHubAppConfig({ APP_ID: '1', PRIVATE_KEY: 'nope', WEBHOOK_SECRET: 's' }),
      /PRIVATE_KEY: not a PEM private key/,
    );
    assert.throws(
      () =>
        loadGitHubAppConfig({ APP_ID: '1', PRIVATE_KEY_PATH: '/missing.pem', WEBHOOK_SECRET: 's' }, () => {
          throw new Error('ENOENT');
        }),
      /PRIVATE_KEY_PATH: cannot read \/missing\.pem \(ENOENT\)/,
    );
  });

  it('renders clone URLs from the template', () => {
    assert.equal(
      renderGitUrl(
        defaultGitUrlTemplate('https://api.github.com'),
        { owner: 'acme', repo: 'flows' },
        'ghs_abc',
      ),
      'https://x-access-token:ghs_abc@github.com/acme/flows.git',
    );
  });
});

const requestError = (
  status: number,
  method: string,
  url: string,
  data: unknown = {},
  headers: Record<string, string> = {},
) => Object.assign(new Error('HttpError'), { status, request: { method, url }, response: { headers, data } });

describe('translateGitHubError', () => {
  it('names the missing permission on 403', () => {
    const e = translateGitHubError(
      requestError(403, 'POST', 'https://api.github.com/repos/acme/flows/check-runs', {
        message: 'Resource not accessible by integration',
      }),
      'creating check run',
    );
    assert.ok(e instanceof GitHubActionError);
    assert.match(
      e.message,
      /^creating check run: the app lacks checks: write permission; update app\.yml permissions/,
    );
    assert.match(e.message, /Resource not accessible by integration/);
    assert.equal((e as GitHubActionError).retryable, false);
    assert.match(
      translateGitHubError(requestError(403, 'POST', '/repos/a/b/issues/3/comments'), 'replying').message,
      /issues: write/,
    );
    assert.match(
      translateGitHubError(requestError(403, 'GET', '/repos/a/b/git/blobs/x?ref=y'), 'reading').message,
      /contents: read/,
    );
  });

  it('says when an exhausted rate limit resets, and that it can be retried', () => {
    const e = translateGitHubError(
      requestError(
        403,
        'GET',
        '/repos/a/b/compare/x...y',
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000000' },
      ),
      'comparing',
    );
    assert.match(e.message, /rate limit is exhausted until 2023-11-14T22:13:20\.000Z/);
    assert.equal((e as GitHubActionError).retryable, true);
  });

  it('explains 401, 404, 422, 5xx and network failures', () => {
    assert.match(
      translateGitHubError(requestError(401, 'GET', '/app'), 'x').message,
      /Check that APP_ID and PRIVATE_KEY match/,
    );
    assert.match(
      translateGitHubError(requestError(404, 'GET', '/repos/a/b/contents/c'), 'x').message,
      /not among the installation's repositories/,
    );
    assert.match(
      translateGitHubError(
        requestError(422, 'PATCH', '/repos/a/b/check-runs/1', {
          message: 'Invalid request',
          errors: ['annotations too long'],
        }),
        'x',
      ).message,
      /422 .*: Invalid request; annotations too long/,
    );
    const unavailable = translateGitHubError(
      requestError(502, 'GET', '/repos/a/b'),
      'x',
    ) as GitHubActionError;
    assert.equal(unavailable.retryable, true);
    assert.match(unavailable.message, /redeliver the webhook/);
    assert.match(
      translateGitHubError(new TypeError('fetch failed'), 'x').message,
      /could not reach GitHub \(fetch failed\); check GITHUB_API_URL/,
    );
  });
});
