import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where `npm start` (or a developer) runs the API + Socket.IO server. */
const SERVER = process.env.ERP_SERVER_URL ?? 'http://127.0.0.1:3000';

/**
 * One Vite project, five pages: the login at `/` and one entry per screen. Each page gets its
 * own small bundle; shared code (stores, ui, @erp/shared) lands in common chunks.
 */
export default defineConfig({
  root,
  plugins: [vue()],
  resolve: {
    // @erp/shared is a workspace package (symlinked into node_modules) whose exports point at
    // TypeScript sources with `.ts` imports. Resolving it to its real path makes Vite transform
    // it like our own code; the explicit extension list keeps `.ts` specifiers working.
    preserveSymlinks: false,
    extensions: ['.ts', '.mjs', '.js', '.json', '.vue'],
  },
  optimizeDeps: { exclude: ['@erp/shared'] },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: SERVER, changeOrigin: true },
      '/socket.io': { target: SERVER, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // `rolldownOptions` is Vite 8's name for the former `rollupOptions` (now a deprecated alias).
    rolldownOptions: {
      input: {
        login: page('index.html'),
        pos: page('pos/index.html'),
        wall: page('wall/index.html'),
        tablet: page('tablet/index.html'),
        backoffice: page('backoffice/index.html'),
      },
      output: {
        // Libraries change less often than our code: one long-cached vendor chunk, then one
        // chunk of the client code that several pages share (stores, ui, @erp/shared).
        codeSplitting: {
          groups: [
            // bwip-js (≈0.9 MB) stays out: the POS imports it lazily for the receipt's timbre.
            { name: 'vendor', test: /node_modules[\\/](?!bwip-js[\\/])/ },
            { name: 'common', minShareCount: 2 },
          ],
        },
      },
    },
  },
});
