import AxeBuilder from '@axe-core/playwright';
import { startCoturn } from './coturn.js';
import { ServerProcess } from './server-process.js';
import { expect, openLobby, type Person, test, uniqueRoom } from './support.js';

const TURN_PORT = 34_791;
const SECRET = 'e2e-check-secret-0123456789abcdef';

const verdict = (person: Person, check: string) => person.page.getByTestId(`check-${check}`);

test('the self-test from the lobby: camera, microphone, STUN and a TURN relay from the real coturn work, and a TURN server that is down is reported with what to do', async ({ browser }) => {
  const coturn = await startCoturn(TURN_PORT, SECRET);
  const server = new ServerProcess(3107, {
    STUN_URLS: `stun:127.0.0.1:${TURN_PORT}`,
    TURN_URLS: `turn:127.0.0.1:${TURN_PORT}?transport=udp`,
    TURN_SECRET: SECRET,
  });
  await server.start();
  let ada: Person | undefined;
  try {
    const room = uniqueRoom('check');
    ada = await openLobby(browser, room, 'Ada', { baseURL: server.url });
    await ada.page.getByRole('link', { name: 'Test your camera, microphone and network' }).click();
    await expect(ada.page.getByRole('heading', { name: 'Check your camera, microphone and network' })).toBeVisible();
    for (const check of ['camera', 'microphone', 'stun', 'turn']) {
      await expect(verdict(ada, check), `${check} check`).toHaveAttribute('data-status', 'pass', { timeout: 20_000 });
    }
    await expect(verdict(ada, 'camera')).toContainText('Your camera works (640x480)');
    await expect(verdict(ada, 'microphone')).toContainText('hears you');
    await expect(verdict(ada, 'turn')).toContainText('The TURN server relays for you');
    await expect(ada.page.getByRole('status').filter({ hasText: 'All checks done: everything works.' })).toBeAttached();
    const axe = await new AxeBuilder({ page: ada.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    // coturn goes down: the same checks now say what is wrong and what to do.
    coturn.kill('SIGKILL');
    await ada.page.getByRole('button', { name: 'Run the checks again' }).click();
    await expect(verdict(ada, 'turn')).toHaveAttribute('data-status', 'fail', { timeout: 30_000 });
    await expect(verdict(ada, 'turn')).toContainText('The TURN server did not answer');
    await expect(verdict(ada, 'turn')).toContainText('Tell whoever runs this meshmeet');
    await expect(verdict(ada, 'stun')).toHaveAttribute('data-status', 'fail');
    await expect(verdict(ada, 'camera')).toHaveAttribute('data-status', 'pass');
    await expect(ada.page.getByRole('status').filter({ hasText: /need.* your attention/ })).toBeAttached();

    // And back to the room it was opened from.
    await ada.page.getByRole('link', { name: 'Back to the room' }).click();
    await expect(ada.page.getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
    await expect(ada.page).toHaveURL(new RegExp(`/r/${room}$`));
    expect(ada.errors).toEqual([]);
  } finally {
    await ada?.context.close();
    await server.kill();
    coturn.kill('SIGKILL');
  }
});
