/**
 * How a ForEach scales: `osprey run` of a flow with one ForEach over N values (one Return task each,
 * all at once), N = 300, 1000, 3000. Prints wall time (CLI start included) and ms per iteration;
 * growth well above linear would show a step that costs O(task runs) again.
 * Run: npm run bench:foreach
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '../bin/osprey.js');
const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-foreach-'));
mkdirSync(join(dir, 'flows'));
console.log('ForEach over N values, one Return task per value (osprey run, embedded runner)');
for (const n of [300, 1000, 3000]) {
  const values = JSON.stringify(Array.from({ length: n }, (_, i) => String(i)));
  writeFileSync(
    join(dir, 'flows/each.yaml'),
    `id: each\nnamespace: bench\ntasks:\n  - id: loop\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ${values}\n    concurrencyLimit: 0\n    tasks:\n      - id: r\n        type: io.kestra.plugin.core.debug.Return\n        format: "{{ taskrun.value }}"\n`,
  );
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'run', 'flows/each.yaml', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`osprey run failed: ${r.stderr}`);
  console.log(
    `  N=${String(n).padEnd(5)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / n).toFixed(2)} ms per iteration`,
  );
}
rmSync(dir, { recursive: true, force: true });
