#!/usr/bin/env node
// The `osprey` command. Osprey needs Node >= 22.12 (type stripping, pg-boss 12); the project brings
// Node 24 as a dev dependency, and npm/npx put it first on PATH. When started by an older node
// (a global `node` on PATH), re-run with the bundled one if it is there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    console.error(
      `osprey needs Node >= 22.18 (found ${process.versions.node}). Run \`npm install\` in the Osprey folder, or install Node 24.`,
    );
    process.exit(2);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // The child is the real osprey (a server or runner stops cleanly on these): pass them on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
} else {
  await import('../cli/src/main.ts');
}
