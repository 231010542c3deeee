import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLogger, type LogFormat } from '../../../protocol/src/logger.ts';
import { MASK, SecretMasker } from '../../../protocol/src/masking.ts';

const SECRET = 'sk_live_9f8e7d6c5b4a';

function capture(format: LogFormat, masker: SecretMasker) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // pino writes to anything with write(); pretty output goes through the same masking hook.
  const log = createLogger({ name: 'test', format, masker, destination: destination as never });
  return { log, output: () => lines.join('') };
}

describe('the logger', () => {
  it('never writes a registered secret, wherever it is given (message, field, nested, error)', () => {
    const masker = new SecretMasker();
    masker.register(SECRET);
    const { log, output } = capture('json', masker);
    log.info(`connecting with ${SECRET}`);
    log.warn({ config: { url: `https://x:${SECRET}@db` } }, 'config');
    log.error({ err: new Error(`refused ${SECRET}`) }, 'failed');
    log.info({ [SECRET]: 1, list: [`a${SECRET}b`] }, 'keys');
    log.info({ quoted: `"${SECRET}"\n` }, 'escaped');
    const text = output();
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes(SECRET.slice(0, 12)), 'no fragment either');
    assert.equal(text.split(MASK).length - 1 >= 6, true, text);
    assert.equal(text.trim().split('\n').length, 5, 'one JSON line per call');
    for (const line of text.trim().split('\n')) JSON.parse(line);
  });

  it('masks a secret registered after the logger was made', () => {
    const masker = new SecretMasker();
    const { log, output } = capture('json', masker);
    masker.register(SECRET);
    log.info({ value: SECRET }, 'late');
    assert.ok(!output().includes(SECRET));
  });

  it('censors credential-named fields even when their value is not registered', () => {
    const { log, output } = capture('json', new SecretMasker());
    log.info({ token: 'osp_abc_unregistered', headers: { authorization: 'Bearer xyz-unregistered' } }, 'req');
    assert.doesNotMatch(output(), /unregistered/);
  });

  it('prints a readable line in pretty format, masked as well', () => {
    const masker = new SecretMasker();
    masker.register(SECRET);
    const { log, output } = capture('pretty', masker);
    log.child({ component: 'runner' }).warn(`job failed: ${SECRET}`);
    const text = output();
    assert.match(text, /WARN.*job failed: \*{6}/);
    assert.ok(!text.includes(SECRET));
    assert.ok(!text.trim().startsWith('{'), 'not JSON');
  });

  it('masks on the real stderr of a process that resolved a secret', () => {
    const logger = fileURLToPath(new URL('../../../protocol/src/logger.ts', import.meta.url));
    const script = `
      const { logSecrets, logger } = await import(${JSON.stringify(logger)});
      logSecrets.register(${JSON.stringify(SECRET)});
      logger('api').error({ err: new Error('db said ${SECRET}') }, 'request failed');`;
    for (const format of ['json', 'pretty']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, OSPREY_LOG_FORMAT: format },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /request failed/);
      assert.match(r.stderr, /db said \*{6}/);
      assert.ok(!r.stderr.includes(SECRET), r.stderr);
      assert.equal(r.stdout, '', 'logs never go to stdout');
    }
  });
});
