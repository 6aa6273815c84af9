import { closeAll, expect, expectFullMesh, join, openLobby, test, uniqueRoom, waitJoined } from './support.js';

test('the lobby: the whole picture uncropped, "You" without a name, a live microphone meter, blocked devices shown disabled with the reason', async ({ browser }) => {
  const ada = await openLobby(browser, uniqueRoom('lobby'), '');
  const preview = ada.page.locator('.preview figure.tile');
  await expect(preview.locator('figcaption')).toHaveText('You');
  await ada.page.getByLabel('Your name').fill('Ada');
  await expect(preview.locator('figcaption')).toHaveText('Ada (you)');
  expect(await preview.locator('video').evaluate((video) => getComputedStyle(video).objectFit)).toBe('contain');
  // The fake microphone beeps: the meter moves.
  const meter = ada.page.getByRole('meter', { name: 'Microphone level' });
  await expect.poll(async () => Number(await meter.getAttribute('data-level')), { timeout: 10_000 }).toBeGreaterThan(20);
  await closeAll([ada]);

  const bob = await openLobby(browser, uniqueRoom('lobby'), 'Bob', {
    init: () => {
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        if (constraints?.video) throw new DOMException('Permission denied', 'NotAllowedError');
        return original(constraints);
      };
    },
  });
  const camera = bob.page.getByRole('button', { name: 'Camera off' });
  await expect(camera).toBeDisabled();
  await expect(camera).toHaveAccessibleDescription(/Access to your camera is blocked/);
  await expect(bob.page.getByRole('button', { name: 'Mute', exact: true })).toBeEnabled();
  await expect(bob.page.locator('.preview').getByRole('img', { name: 'Bob (you): camera off' })).toBeVisible();
  await closeAll([bob]);
});

test('leaving shows "You left the call" with Rejoin (same room, the others see you again) and Start a new room', async ({ browser }) => {
  const room = uniqueRoom('left');
  const ada = await join(browser, room, 'Ada');
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  await expect(ada.page).toHaveTitle(`${room} (2) · meshmeet`);
  await ada.page.getByRole('button', { name: 'Leave call' }).click();
  await expect(ada.page.getByRole('heading', { name: 'You left the call' })).toBeVisible();
  await expect(bob.page.locator('figure.tile[data-name="Ada"]')).toHaveCount(0, { timeout: 5_000 });
  await expect(bob.page).toHaveTitle(`${room} (1) · meshmeet`);
  // The camera is released once you are out.
  await expect.poll(() => ada.page.evaluate(() => window.__e2e.pcs.filter((pc) => pc.connectionState !== 'closed').length)).toBe(0);

  await ada.page.getByRole('button', { name: 'Rejoin' }).click();
  await ada.page.getByRole('button', { name: 'Join' }).click();
  await waitJoined(ada);
  await expectFullMesh([ada, bob]);

  await ada.page.getByRole('button', { name: 'Leave call' }).click();
  await ada.page.getByRole('button', { name: 'Start a new room' }).click();
  await expect(ada.page).toHaveURL(/\/r\/[A-Za-z0-9_-]{20,}$/);
  await expect(ada.page.getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
  await closeAll([ada, bob]);
});

test('a room link with broken percent-encoding gets the app\'s own "not a valid room link" page', async ({ page }) => {
  const response = await page.goto('/r/%E0%A4%A');
  expect(response?.status()).toBe(400);
  await expect(page.getByRole('alert')).toHaveText(/not a valid room link/);
  await page.getByRole('button', { name: 'Start a new room' }).click();
  await expect(page.getByRole('heading', { name: 'Ready to join?' })).toBeVisible();
});
