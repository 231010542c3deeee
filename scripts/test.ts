/**
 * The test command (`npm test`): unit tests always; integration and end-to-end suites as they exist.
 * Runs Node's built-in test runner so CI reads its summary line.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const patterns = args.length > 0 ? args : ['test/**/*.test.ts'];
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...patterns], { stdio: 'inherit' });
process.exit(r.status ?? 1);
