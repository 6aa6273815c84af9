import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, tileOf, uniqueRoom } from './support.js';

test('keyboard shortcuts: M, V, C, P, H and ? (a list that can turn them off); nothing while typing; tooltips name them', async ({ browser }) => {
  const room = uniqueRoom('keys');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);
  const mute = ada.page.getByRole('button', { name: 'Mute', exact: true });

  // Tooltips show the label and the key; the key is also announced with the button.
  await mute.hover();
  await expect(ada.page.locator('.tooltip')).toHaveText('MuteM');
  await expect(mute).toHaveAttribute('aria-keyshortcuts', 'M');

  await ada.page.keyboard.press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('muted')).toBeVisible();
  await ada.page.keyboard.press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'false');

  await ada.page.keyboard.press('v');
  await expect(ada.page.getByRole('button', { name: 'Camera off' })).toHaveAttribute('aria-pressed', 'true');
  await expect(tileOf(bob, 'Ada').getByTestId('camera-off')).toBeVisible();
  await ada.page.keyboard.press('v');
  await expect(tileOf(bob, 'Ada').getByTestId('camera-off')).toBeHidden();

  await ada.page.keyboard.press('h');
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('hand')).toBeVisible();
  await ada.page.keyboard.press('h');
  await expect(tileOf(bob, 'Ada').getByTestId('hand')).toHaveCount(0);

  await ada.page.keyboard.press('p');
  await expect(ada.page.getByRole('dialog', { name: /^People/ })).toBeVisible();
  await ada.page.keyboard.press('c');
  await expect(ada.page.getByRole('dialog', { name: 'Chat' })).toBeVisible();
  // Typing in the chat types: no shortcut fires.
  const box = ada.page.getByRole('textbox', { name: 'Message' });
  await box.focus();
  await ada.page.keyboard.type('mvhpc?');
  await expect(box).toHaveValue('mvhpc?');
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await expect(ada.page.getByRole('dialog', { name: 'Chat' })).toBeVisible();
  await box.fill('');
  await ada.page.keyboard.press('Escape');
  // The text field keeps the focus until the panel is gone: only then do keys mean shortcuts again.
  await expect(ada.page.getByRole('dialog', { name: 'Chat' })).toHaveCount(0);

  // ? lists them; single keys can be turned off there (speech-input users), and ? still opens it.
  await ada.page.keyboard.press('?');
  const dialog = ada.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('dt')).toHaveText(['M', 'V', 'C', 'P', 'H', '?']);
  await dialog.getByRole('checkbox', { name: 'Use single-key shortcuts' }).uncheck();
  await ada.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await ada.page.keyboard.press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await expect(mute).not.toHaveAttribute('aria-keyshortcuts', 'M');
  await ada.page.keyboard.press('?');
  await dialog.getByRole('checkbox', { name: 'Use single-key shortcuts' }).check();
  await dialog.getByRole('button', { name: 'Close keyboard shortcuts' }).click();
  await ada.page.keyboard.press('m');
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  expectNoErrors(people);
  await closeAll(people);
});
