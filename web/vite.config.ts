// The web UI is a static bundle served by the Exsync server (src/http/web-app.ts); no CDN, no
// external font. `npm run dev:web` proxies the API to a server on :8080 for front-end work.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/oauth': 'http://127.0.0.1:8080' } },
});
