/**
 * The web console's build (docs/console.md): `ui/` → `ui/dist`, served by the server under `/ui/`.
 * `npm run build` runs it through scripts/build-ui.ts, which also checks the committed build.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
});
