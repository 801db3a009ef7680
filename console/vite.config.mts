import path from 'node:path';
import { defineConfig } from 'vite';

// The console is a static SPA the API serves at / (src/http/console.ts): no dev server in
// production, no CDN, every asset hashed under /assets. JSX compiles to Preact's runtime.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; nothing inlined as a data: URL or inline script (the CSP is script-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
