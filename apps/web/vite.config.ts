import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const signalingUrl = process.env.SIGNALING_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [svelte()],
  server: {
    // In development Vite serves the client with hot reload and forwards signaling to the Nest server.
    proxy: {
      '/socket.io': { target: signalingUrl, ws: true },
      '/healthz': signalingUrl,
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    include: ['src/**/*.test.ts'],
    // Engine tests that need a real browser run with vitest.browser.config.ts.
    exclude: ['src/**/*.browser.test.ts', 'node_modules/**'],
  },
});
