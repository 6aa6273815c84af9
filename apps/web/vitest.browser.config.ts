import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

/**
 * Engine tests in a real browser (Debian's Chromium, driven by Playwright): real RTCPeerConnections
 * wired back to back in one page, no server. Media comes from canvases and an oscillator, or from
 * Chromium's fake camera and microphone (granted without a prompt).
 */
export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
            // Host candidates on loopback only exist with this flag where no other interface is up.
            '--allow-loopback-in-peer-connection',
            '--autoplay-policy=no-user-gesture-required',
            '--disable-renderer-backgrounding',
            '--disable-background-timer-throttling',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
