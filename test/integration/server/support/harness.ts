/**
 * An in-process `osprey server` on a test database (its own schema on Postgres, or PGlite), with
 * short leases, listening on a free port; runners are `RunnerClient`s (raw protocol) or
 * `RemoteRunner`s (the real runner) talking HTTP to it. Everything is stopped after the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../../../../app/src/config/server.schema.ts';
import type { ExecutionDocument } from '../../../../app/src/execution/contract.ts';
import {
  type CreateServerOptions,
  createServer,
  type OspreyServer,
} from '../../../../app/src/server/main.ts';
import { countTaskJobs } from '../../../../app/src/storage/task-jobs.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { validateFlowSource } from '../../../../flows-schema/src/validate/validate-flow.ts';
import { RemoteRunner, type RemoteRunnerOptions } from '../../../../runner/src/remote/remote-runner.ts';
import { RunnerClient } from '../../../../runner/src/remote/runner-client.ts';
import type { Backend } from '../../helpers/backends.ts';

export const REGISTRATION_TOKEN = 'registration-token-for-tests-0123456789abcdef';

interface After {
  after(fn: () => Promise<void> | void): void;
}

export interface TestServer {
  server: OspreyServer;
  url: string;
  dataDir: string;
  /** Something to stop after the test, before the server (a second replica). */
  stopFirst(fn: () => Promise<unknown>): void;
  /** Another connection to the same schema, for a second app replica. */
  openReplica(): Promise<import('../../../../app/src/storage/database.ts').Database>;
  /** A registered runner's raw protocol client. */
  register(name?: string): Promise<RunnerClient>;
  /** A real runner (stopped after the test, before the server). */
  runner(options?: Partial<RemoteRunnerOptions>): Promise<RemoteRunner>;
  start(
    yaml: string,
    extra?: { inputs?: Record<string, unknown>; source?: ExecutionDocument['source'] },
  ): Promise<ExecutionDocument>;
  waitFor(id: string, timeoutMs?: number): Promise<ExecutionDocument>;
  /** Task jobs by state (all executions, or one). */
  jobs(executionId?: string): ReturnType<typeof countTaskJobs>;
  /** Every row of the tables a runner request could change, as text: compare before and after. */
  snapshot(): Promise<string>;
}

export function parseFlow(yaml: string): Flow {
  const { flow, issues } = validateFlowSource(yaml);
  if (flow === undefined) throw new Error(issues.map((i) => i.message).join('\n'));
  return flow;
}

export async function startTestServer(
  backend: Backend,
  t: After,
  options: CreateServerOptions = {},
): Promise<TestServer> {
  // Torn down last-in first-out: runners, then the server, then the database.
  const teardown: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const fn of teardown.reverse()) await fn();
  });
  const opened = await backend.open({ migrate: false });
  teardown.push(opened.cleanup);
  const dataDir = await mkdtemp(join(tmpdir(), 'osprey-server-'));
  teardown.push(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadServerConfig({ OSPREY_RUNNER_TOKEN: REGISTRATION_TOKEN, OSPREY_DATA_DIR: dataDir });
  const server = await createServer(config, {
    database: opened.db,
    port: 0,
    host: '127.0.0.1',
    leaseTtlMs: 1500,
    claimWaitMs: 2000,
    pollSeconds: 0.5,
    drainMs: 100,
    ...options,
  });
  const url = await server.start();
  teardown.push(() => server.stop());
  const { executions, db } = server.services;
  let names = 0;
  return {
    server,
    url,
    dataDir,
    openReplica: opened.openReplica,
    stopFirst: (fn) => teardown.push(fn),
    async register(name = `runner-${++names}`) {
      const client = new RunnerClient(url);
      await client.register(REGISTRATION_TOKEN, { name });
      return client;
    },
    async runner(o = {}) {
      const runner = new RemoteRunner({
        server: url,
        name: `runner-${++names}`,
        registrationToken: REGISTRATION_TOKEN,
        concurrency: 2,
        claimWaitMs: 2000,
        graceMs: 5000,
        log: () => {},
        ...o,
      });
      await runner.start();
      teardown.push(() => runner.stop(1000));
      return runner;
    },
    start: (yaml, extra = {}) =>
      executions.start({
        flow: parseFlow(yaml),
        ...(extra.inputs === undefined ? {} : { inputs: extra.inputs }),
        ...(extra.source === undefined ? {} : { source: extra.source }),
      }),
    async waitFor(id, timeoutMs = 15_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      return executions.waitForTerminal(id, signal).catch(async (e) => {
        const now = await executions.get(id);
        throw new Error(
          `execution ${id} did not finish within ${timeoutMs} ms (${(e as Error).message}); it is ${now?.state.current}: ${JSON.stringify(now?.taskRunList.map((r) => [r.taskId, r.state.current]))}`,
        );
      });
    },
    jobs: (executionId) => countTaskJobs(db, executionId),
    async snapshot() {
      const rows = await db.query<{ t: string }>(
        `SELECT string_agg(t, E'\\n' ORDER BY t) AS t FROM (
           SELECT row_to_json(j)::text AS t FROM "${db.schema}".task_jobs j
           UNION ALL SELECT row_to_json(e)::text FROM (SELECT id, state, version, document FROM "${db.schema}".executions) e
           UNION ALL SELECT row_to_json(l)::text FROM "${db.schema}".logs l
         ) x`,
      );
      return rows.rows[0]?.t ?? '';
    },
  };
}
