/**
 * The Action's `command: validate` on 200 flows (copies of the seed examples and the kitchen-sink
 * fixture under distinct ids) in a git repository, timed as a job sees it: the whole step, from
 * starting `node action/dist/index.js` to its exit (annotations, outputs and job summary written).
 * Goal: < 3 s. Run: npm run bench:action
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const fixtures = join(ROOT, 'test/fixtures/flows');
const sources = [
  ...readdirSync(join(fixtures, 'seeds')).map((f) => join(fixtures, 'seeds', f)),
  join(fixtures, 'valid/kitchen_sink.yaml'),
].map((f) => readFileSync(f, 'utf8'));
const N = 200;
const workspace = mkdtempSync(join(tmpdir(), 'osprey-bench-action-'));
const flows = join(workspace, 'flows');
mkdirSync(flows);
for (let i = 0; i < N; i++) {
  const id = `flow_${i}`;
  writeFileSync(join(flows, `${id}.yaml`), sources[i % sources.length]!.replace(/^id: .*$/m, `id: ${id}`));
}
execFileSync('git', ['init', '-q'], { cwd: workspace });
const runs: number[] = [];
let summaryBytes = 0;
for (let r = 0; r < 5; r++) {
  const output = join(workspace, '..', `${r}-output`);
  const summary = join(workspace, '..', `${r}-summary`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const t0 = performance.now();
  const step = spawnSync(process.execPath, [join(ROOT, 'action/dist/index.js')], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'],
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      INPUT_COMMAND: 'validate',
    },
    encoding: 'utf8',
  });
  runs.push(performance.now() - t0);
  if (step.status !== 0) throw new Error(`the bench flows should be valid:\n${step.stdout}${step.stderr}`);
  summaryBytes = statSync(summary).size;
  rmSync(output);
  rmSync(summary);
}
rmSync(workspace, { recursive: true, force: true });
const sorted = [...runs].sort((a, b) => a - b);
console.log(`action validate: ${N} flows through action/dist/index.js (process start to exit)`);
console.log(`  first run:        ${runs[0]!.toFixed(0)} ms`);
console.log(`  median of 5 runs: ${sorted[2]!.toFixed(0)} ms  (goal < 3000 ms)`);
console.log(`  job summary:      ${(summaryBytes / 1024).toFixed(0)} KiB (GitHub takes 1024 KiB per step)`);
