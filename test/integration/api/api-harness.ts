/**
 * The REST API wired for a test, in process: a PGlite database (one instance per test file, one
 * schema per test) for flows, KV, secrets and tokens; the in-memory execution service with the
 * real embedded runner on the system clock. `request()` calls the API with the test's token.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Hono } from 'hono';
import { ExecutionIndex } from '../../../app/src/api/executions/execution-index.ts';
import { apiRoutes } from '../../../app/src/api/index.ts';
import { AuditLog } from '../../../app/src/audit/audit-log.ts';
import { TokenService } from '../../../app/src/auth/token-service.ts';
import type { ConsoleSession } from '../../../app/src/console/console-session.ts';
import { PostgresFlowRevisionStore } from '../../../app/src/deployments/postgres-flow-revision-store.ts';
import type { ExecutionDocument } from '../../../app/src/execution/contract.ts';
import { createLocalExecutionService, type LocalExecutionService } from '../../../app/src/execution/local.ts';
import { PostgresCheckRunLinks } from '../../../app/src/github/postgres/postgres-github-links.ts';
import { KvService } from '../../../app/src/kv/kv-service.ts';
import { parseMasterKey } from '../../../app/src/secrets/master-key.ts';
import { buildSecretService, type SecretService } from '../../../app/src/secrets/secret-service.ts';
import type { Database } from '../../../app/src/storage/database.ts';
import { migrate } from '../../../app/src/storage/migrate.ts';
import { wrapPglite } from '../../../app/src/storage/pglite-database.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';
import { SecretMasker } from '../../../protocol/src/masking.ts';
import { createEmbeddedRunner } from '../../../runner/src/embedded-runner.ts';
import { memoryStorage } from '../../unit/app/execution/harness.ts';

let shared: Promise<PGlite> | undefined;
after(async () => {
  if (shared !== undefined) await (await shared).close();
});

export const SHA1 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const SHA2 = 'b2c3d4e5f60718293a4b5c6d7e8f901234567890';
/** Served by the read-only environment backend. */
export const READ_ONLY_NAMESPACE = 'vault.team';
export const ENV_SECRET_VALUE = 'env-secret-value-9f8e7d';

export interface Api {
  app: Hono;
  db: Database;
  token: string;
  tokens: TokenService;
  kv: KvService;
  secrets: SecretService;
  flows: PostgresFlowRevisionStore;
  executions: LocalExecutionService;
  storage: ReturnType<typeof memoryStorage>;
  masker: SecretMasker;
  /** Deploys `files` (flow YAML by flow id) as the next commit of acme/flows@main. */
  deploy(files: Record<string, string>, namespace?: string): Promise<void>;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  json<T = unknown>(
    path: string,
    init?: RequestInit & { token?: string | null },
  ): Promise<{ status: number; body: T }>;
  waitFor(id: string): Promise<ExecutionDocument>;
  /** Polls until the execution reaches `state`. */
  until(id: string, state: string, timeoutMs?: number): Promise<ExecutionDocument>;
}

export async function openApi(
  t: { after(fn: () => Promise<void> | void): void },
  options: { session?: ConsoleSession } = {},
): Promise<Api> {
  shared ??= PGlite.create();
  const pglite = await shared;
  const schema = `t_${randomBytes(5).toString('hex')}`;
  const db = wrapPglite(pglite, schema);
  await migrate(db);
  t.after(async () => {
    await db.close();
    await pglite.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  const kv = new KvService(db);
  const secrets = buildSecretService({
    db,
    masterKey: parseMasterKey(randomBytes(32).toString('base64')),
    backends: { [READ_ONLY_NAMESPACE]: { type: 'env', prefix: 'VAULT_', base64: false } },
    env: { VAULT_DB_PASSWORD: ENV_SECRET_VALUE },
  });
  const tokens = new TokenService(db);
  const { token } = await tokens.createApiToken('test');
  const flows = new PostgresFlowRevisionStore(db);
  const masker = new SecretMasker();
  const storage = memoryStorage();
  let executions: LocalExecutionService | undefined;
  const runner = createEmbeddedRunner({
    storage,
    kv,
    render: (job, template) => executions!.renderForJob(job, template),
    execution: (id) => executions!.summary(id),
  });
  executions = createLocalExecutionService({
    runner,
    storage,
    kv,
    secrets: { get: (ns, name) => secrets.get(ns, name) },
    flows: {
      get: async (ns, id) => {
        const latest = await flows.latest(ns, id);
        return latest === undefined || latest.deleted ? undefined : validateFlowSource(latest.source).flow;
      },
    },
  });
  const search = new ExecutionIndex(executions);
  t.after(() => search.close());

  const api = new Hono();
  api.route(
    '/api/v1',
    apiRoutes({
      executions,
      search,
      flows,
      kv,
      secrets,
      tokens,
      validate: validateFlowSource,
      masker,
      audit: new AuditLog(db),
      storage,
      checkRuns: new PostgresCheckRunLinks(db),
      ...(options.session === undefined ? {} : { session: options.session }),
    }),
  );

  let marker: string | undefined;
  let commit = 0;
  const deploy = async (files: Record<string, string>, namespace = 'company.team') => {
    const sha = `${String(++commit).padStart(2, '0')}${SHA1.slice(2)}`;
    const result = await flows.apply({
      repository: 'acme/flows',
      branch: 'main',
      sha,
      expectedSha: marker,
      upserts: Object.entries(files).map(([flowId, source]) => ({
        namespace,
        flowId,
        path: `flows/${flowId}.yaml`,
        source,
      })),
      deletions: [],
    });
    if (result.status !== 'applied') throw new Error('test deploy conflicted');
    marker = sha;
  };

  const request = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token: given, ...rest } = init;
    const headers = new Headers(rest.headers);
    const bearer = given === undefined ? token : given;
    if (bearer !== null) headers.set('Authorization', `Bearer ${bearer}`);
    return Promise.resolve(api.request(path, { ...rest, headers }));
  };
  const json = async <T>(path: string, init: RequestInit & { token?: string | null } = {}) => {
    const res = await request(path, init);
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  const waitFor = (id: string) => executions!.waitForTerminal(id);
  const until = async (id: string, state: string, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const doc = await executions!.get(id);
      if (doc?.state.current === state) return doc;
      if (Date.now() > deadline)
        throw new Error(`execution ${id} is ${doc?.state.current}, not ${state}, after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    app: api,
    db,
    token,
    tokens,
    kv,
    secrets,
    flows,
    executions,
    storage,
    masker,
    deploy,
    request,
    json,
    waitFor,
    until,
  };
}

export const HELLO = `id: hello
namespace: company.team
inputs:
  - id: name
    type: STRING
    defaults: world
  - id: count
    type: INT
    required: false
    min: 1
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"
  - id: quiet
    type: io.kestra.plugin.core.log.Log
    level: DEBUG
    message: "debug line"
`;

export const UPLOAD = `id: upload
namespace: company.team
inputs:
  - id: data
    type: FILE
tasks:
  - id: size
    type: io.kestra.plugin.core.log.Log
    message: "got {{ inputs.data }}"
`;

export const SLOW = `id: slow
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: first line
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
  - id: last
    type: io.kestra.plugin.core.log.Log
    message: last line
`;

export const LONG = `id: long
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
`;

export const APPROVAL = `id: approval
namespace: company.team
tasks:
  - id: gate
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOLEAN
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "approved={{ outputs.gate.onResume.approved }}"
`;

export const BROKEN = `id: broken
namespace: company.team
tasks:
  - id: ok
    type: io.kestra.plugin.core.log.Log
    message: before
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: it broke
`;

export const SECRETIVE = `id: secretive
namespace: company.team
tasks:
  - id: leak
    type: io.kestra.plugin.core.log.Log
    message: "the password is {{ secret('DB_PASSWORD') }}"
`;
