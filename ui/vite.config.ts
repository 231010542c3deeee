/**
 * The web console's build (docs/console.md): `ui/` → `ui/dist`, served by the server under `/ui/`.
 * `npm run build` runs it through scripts/build-ui.ts, which also checks the committed build.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  // elkjs (about 1.4 MB) is its own chunk, loaded only when a flow's topology is shown.
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1600 },
});
