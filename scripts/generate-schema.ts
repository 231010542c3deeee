/**
 * Generates the editor JSON Schemas from the Zod schemas (the single source):
 * `flows-schema/schema.json` (flows) and `flows-schema/repo-config.schema.json` (.osprey.yml).
 * `--check` fails when the committed files are stale (CI runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RepoConfig } from '../flows-schema/src/repo-config.ts';
import { Flow } from '../flows-schema/src/schema/flow.ts';

const targets = [
  { file: '../flows-schema/schema.json', schema: Flow, id: 'https://osprey.dev/schema/flow.json' },
  { file: '../flows-schema/repo-config.schema.json', schema: RepoConfig, id: 'https://osprey.dev/schema/repo-config.json' },
];

const check = process.argv.includes('--check');
let stale = 0;
for (const t of targets) {
  const path = fileURLToPath(new URL(t.file, import.meta.url));
  const json = z.toJSONSchema(t.schema, { io: 'input', unrepresentable: 'any', cycles: 'ref' });
  const text = `${JSON.stringify({ ...json, $id: t.id }, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {}
  if (current === text) continue;
  if (check) {
    console.error(`${t.file.replace('../', '')} is stale: run \`npm run build\` and commit the result.`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${t.file.replace('../', '')} (${(text.length / 1024).toFixed(0)} KiB)`);
  }
}
if (check && stale === 0) console.log('JSON Schemas are up to date.');
process.exit(stale > 0 ? 1 : 0);
