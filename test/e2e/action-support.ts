/**
 * The Action as the GitHub Actions runner starts it: `node action/dist/index.js` (the committed
 * bundle) with the step's inputs as INPUT_* variables (the runner's mangling: spaces → `_`,
 * upper case, dashes kept), GITHUB_WORKSPACE a real git repository, and GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files read back afterwards.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const BUNDLE = join(ROOT, 'action/dist/index.js');

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The variable name the runner gives an input. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** A git repository in a temp folder holding `files`, committed. */
export function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-action-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'flows');
  return dir;
}

export function runStep(
  workspace: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<StepRun> {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'osprey-runner-temp-'));
  const outputFile = join(runnerTemp, 'output');
  const summaryFile = join(runnerTemp, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && !k.startsWith('SECRET_'))
      base[k] = v;
  }
  const stepEnv: Record<string, string> = {
    ...base,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/flows',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    RUNNER_TEMP: runnerTemp,
    ...env,
  };
  for (const [name, value] of Object.entries(inputs)) stepEnv[inputVariable(name)] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], {
      cwd: workspace,
      env: stepEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
      }),
    );
  });
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks, as the runner reads GITHUB_OUTPUT. */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (m === null) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

/** `::error ...::message` and `::warning ...::message` lines of the step's stdout. */
export function annotations(
  stdout: string,
): Array<{ level: string; props: Record<string, string>; message: string }> {
  return [...stdout.matchAll(/^::(error|warning)( [^:]*)?::(.*)$/gm)].map((m) => ({
    level: m[1]!,
    props: Object.fromEntries(
      (m[2] ?? '')
        .trim()
        .split(',')
        .filter((p) => p !== '')
        .map((p) => {
          const eq = p.indexOf('=');
          return [p.slice(0, eq), decodeURIComponent(p.slice(eq + 1).replace(/%2C/g, ','))];
        }),
    ),
    message: m[3]!,
  }));
}
