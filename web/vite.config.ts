// The web UI is a static bundle served by the Exsync server (src/http/web-app.ts); no CDN, no
// external font. `npm run dev:web` proxies the API to a server on :8080 for front-end work.
// The build writes a Brotli and a gzip copy beside each text file, which the server sends to
// browsers that accept them, and no source maps: the bundle's sources are not published.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

function filesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesIn(path) : [path];
  });
}

/** Writes <file>.br and <file>.gz for every text file of the finished bundle. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'exsync-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    writeBundle(options) {
      const dir = options.dir ?? outDir;
      for (const file of filesIn(dir).filter((f) => COMPRESSIBLE.test(f))) {
        const content = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
        );
      }
    },
  };
}

// Browser tests build in mode "test": they serve the files uncompressed and save the seconds.
export default defineConfig(({ mode }) => ({
  root: import.meta.dirname,
  plugins: mode === 'test' ? [preact()] : [preact(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/oauth': 'http://127.0.0.1:8080' } },
}));
