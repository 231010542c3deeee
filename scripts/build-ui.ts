/**
 * Builds the web console (`ui/` → `ui/dist`, committed so `npm install` alone gives a working
 * console). `--check` builds into a temporary folder and fails when the committed `ui/dist`
 * differs: run `npm run build` and commit.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'vite';

const ui = join(import.meta.dirname, '../ui');
const committed = join(ui, 'dist');
const check = process.argv.includes('--check');
const outDir = check ? mkdtempSync(join(tmpdir(), 'osprey-ui-')) : committed;

await build({ configFile: join(ui, 'vite.config.ts'), build: { outDir, emptyOutDir: true } });

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

if (check) {
  const fresh = files(outDir);
  let old = new Map<string, string>();
  try {
    old = files(committed);
  } catch {
    // no committed build: every file is stale
  }
  rmSync(outDir, { recursive: true, force: true });
  const stale = [...new Set([...fresh.keys(), ...old.keys()])].filter((f) => fresh.get(f) !== old.get(f));
  if (stale.length > 0) {
    console.error(`ui/dist is stale (${stale.join(', ')}): run npm run build and commit ui/dist`);
    process.exit(1);
  }
  console.log('ui/dist is up to date');
} else {
  console.log(`built the web console into ${relative(process.cwd(), committed)}`);
}
