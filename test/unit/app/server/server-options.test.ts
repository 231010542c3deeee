import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadServerOptions } from '../../../../app/src/server/server-options.schema.ts';

describe('server options: retention', () => {
  it('keeps executions and logs forever by default and purges hourly', () => {
    assert.deepEqual(loadServerOptions({}).retention, {
      executionsMs: undefined,
      logsMs: undefined,
      intervalMs: 3_600_000,
    });
  });

  it('reads ISO-8601 retentions', () => {
    const { retention } = loadServerOptions({
      OSPREY_RETENTION_EXECUTIONS: 'P30D',
      OSPREY_RETENTION_LOGS: 'PT12H',
      OSPREY_RETENTION_INTERVAL_MS: '60000',
    });
    assert.deepEqual(retention, {
      executionsMs: 30 * 86_400_000,
      logsMs: 12 * 3_600_000,
      intervalMs: 60_000,
    });
  });

  it('names each bad variable and what to write instead', () => {
    assert.throws(
      () => loadServerOptions({ OSPREY_RETENTION_EXECUTIONS: '30 days', OSPREY_RETENTION_LOGS: 'PT0S' }),
      (e: Error) =>
        /OSPREY_RETENTION_EXECUTIONS must be a positive ISO-8601 duration such as P30D or PT12H, got '30 days'/.test(
          e.message,
        ) && /OSPREY_RETENTION_LOGS must be a positive ISO-8601 duration.*got 'PT0S'/.test(e.message),
    );
  });
});
