import { defineConfig } from '@playwright/test';
import { E2E_SERVER_ENV } from './tests/server-process.js';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;

const CHROMIUM_FLAGS = [
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Host candidates on loopback only exist with this flag where no other interface is up.
  '--allow-loopback-in-peer-connection',
  // Hidden or covered pages must keep decoding and sending at full speed during a test.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  // Every participant is a browser context in one Chromium: tests must not compete for the 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['github']] : [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    viewport: { width: 960, height: 600 },
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /camera-switch/,
      use: {
        launchOptions: { executablePath, args: [...CHROMIUM_FLAGS, '--use-fake-device-for-media-stream'] },
      },
    },
    {
      name: 'chromium-three-cameras',
      testMatch: /camera-switch/,
      use: {
        // Chromium's fake cameras cycle through pixel formats: the second one is Y16 (a depth camera)
        // and cannot be encoded, the third is MJPEG like a real webcam. Tests switch between 1 and 3.
        launchOptions: { executablePath, args: [...CHROMIUM_FLAGS, '--use-fake-device-for-media-stream=device-count=3'] },
      },
    },
  ],
  webServer: {
    command: 'node ../apps/signaling/dist/main.js',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'pipe',
    env: { ...E2E_SERVER_ENV, PORT: String(E2E_PORT), HOST: '127.0.0.1', PUBLIC_URL: BASE_URL },
  },
});
