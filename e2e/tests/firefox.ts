import type { Browser } from '@playwright/test';
// Playwright 1.65 cannot drive Debian's Firefox ESR; 1.64.1's `moz-firefox` channel can (WebDriver BiDi).
// It is installed under this alias next to 1.65, which drives Chromium, with a patch
// (patches/playwright-core@1.64.1.patch) for Firefox ESR 140: four BiDi commands Playwright sends for
// features these tests do not use (response bodies, downloads, screen emulation) came in later Firefox
// releases, and "unknown command" from them is taken as done.
import { firefox, type Browser as FirefoxBrowser } from 'playwright-firefox';

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
  stripContentSecurityPolicyOnFirefoxEsr(browser);
  return browser as unknown as Browser;
}

/**
 * Firefox ESR 140 applies a page's Content-Security-Policy to scripts run through WebDriver BiDi, so
 * Playwright's injected script cannot evaluate anything on meshmeet's pages (`EvalError: call to eval()
 * blocked by CSP`; see https://github.com/w3c/webdriver-bidi/issues/1024). Each of its contexts receives
 * the first document it loads without that one header. The policy itself is checked by the signaling
 * server's security tests and enforced in every Chromium page of the suite. Later Firefox releases, which
 * Playwright 1.64 drives unpatched, are left alone.
 */
function stripContentSecurityPolicyOnFirefoxEsr(browser: FirefoxBrowser): void {
  if (Number(browser.version().split('.')[0]) > 140) return;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    // Only the first document: while any route is set, Firefox 140 fails the WebSocket handshakes it
    // intercepts ("can't establish a connection"), and the page loads its scripts before it connects.
    await context.route('**/*', async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
      await context.unrouteAll({ behavior: 'ignoreErrors' });
    });
    return context;
  };
}
