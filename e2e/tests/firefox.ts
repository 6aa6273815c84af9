import type { Browser } from '@playwright/test';
// Playwright 1.65 cannot drive Debian's Firefox ESR; 1.64.1's `moz-firefox` channel can (WebDriver BiDi).
// It is installed under this alias next to 1.65, which drives Chromium.
import { firefox } from 'playwright-firefox';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Debian's Firefox ESR, headless, with a fake camera and microphone granted without a prompt. Its
 * pages take the same helpers as Chromium's: the API used here is the same in both versions.
 */
export async function launchFirefox(): Promise<Browser> {
  const browser = await firefox.launch({
    channel: 'moz-firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    firefoxUserPrefs: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      // Host candidates on loopback, where no other interface is up (like Chromium's flag).
      'media.peerconnection.ice.loopback': true,
      'media.autoplay.default': 0,
    },
  });
  return browser as unknown as Browser;
}
