/**
 * Validates 500 flows (copies of the seed examples and the kitchen-sink fixture under distinct ids)
 * the way `osprey validate` does, and prints the time. Goal: < 1 s.
 * Run: npm run bench:validate
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFiles } from '../cli/src/validate-files.ts';

const fixtures = join(import.meta.dirname, '../test/fixtures/flows');
const sources = [
  ...readdirSync(join(fixtures, 'seeds')).map((f) => join(fixtures, 'seeds', f)),
  join(fixtures, 'valid/kitchen_sink.yaml'),
].map((f) => readFileSync(f, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'osprey-bench-validate-'));
const files: string[] = [];
for (let i = 0; i < 500; i++) {
  const id = `flow_${i}`;
  const text = sources[i % sources.length]!.replace(/^id: .*$/m, `id: ${id}`);
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, text);
  files.push(file);
}
const lines = files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
const runs: number[] = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const report = validateFiles(files, dir);
  runs.push(performance.now() - t0);
  if (report.errors > 0) throw new Error(`bench flows should be valid; got ${report.errors} errors`);
}
rmSync(dir, { recursive: true, force: true });
const sorted = [...runs].sort((a, b) => a - b);
console.log(`validate: 500 flows (${lines} lines of YAML)`);
console.log(`  first run (cold caches): ${runs[0]!.toFixed(0)} ms`);
console.log(`  median of 5 runs:        ${sorted[2]!.toFixed(0)} ms  (goal < 1000 ms)`);
console.log(`  per flow (median):       ${(sorted[2]! / 500).toFixed(2)} ms`);
