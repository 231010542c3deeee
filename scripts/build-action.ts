/**
 * Bundles the GitHub Action (action/src/main.ts) into one self-contained file, action/dist/index.js
 * (ESM, Node 24): the Action runs from a checkout of this repository, without node_modules.
 * `--check` bundles in memory and compares the bytes with the committed file (CI fails when stale).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'action/dist/index.js');

export async function bundleAction(): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['action/src/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    write: false,
    outfile: OUT,
    legalComments: 'eof',
    logLevel: 'warning',
    // CommonJS dependencies call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __ospreyCreateRequire } from 'node:module';\nconst require = __ospreyCreateRequire(import.meta.url);",
    },
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild wrote no output');
  return file.contents;
}

const bytes = await bundleAction();
if (process.argv.includes('--check')) {
  const stale: string[] = [];
  let committed: Buffer | undefined;
  try {
    committed = readFileSync(OUT);
  } catch {
    stale.push(`${OUT} is missing`);
  }
  if (committed !== undefined && !committed.equals(bytes))
    stale.push('action/dist/index.js differs from a fresh bundle');
  const extra = readdirSync(join(ROOT, 'action/dist')).filter((f) => f !== 'index.js');
  if (extra.length > 0) stale.push(`action/dist holds files the build does not make: ${extra.join(', ')}`);
  if (stale.length > 0) {
    console.error(`${stale.join('; ')}. Run \`npm run build\` and commit action/dist.`);
    process.exit(1);
  }
  console.log('action/dist/index.js is up to date');
} else {
  await mkdir(join(ROOT, 'action/dist'), { recursive: true });
  await writeFile(OUT, bytes);
  console.log(`wrote action/dist/index.js (${(bytes.length / 1024).toFixed(0)} KiB)`);
}
