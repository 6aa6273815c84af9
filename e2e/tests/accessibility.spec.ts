import AxeBuilder from '@axe-core/playwright';
import { type Page } from '@playwright/test';
import { installObserver } from './observe.js';
import { closeAll, expect, expectFullMesh, join, openLobby, type Person, PHONE, tabTo, test, uniqueRoom } from './support.js';

/** Every axe violation on the page as it is now, whatever its impact, described for the report. */
async function violations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const all = results.violations.map((v) => `${v.impact}: ${v.id} (${v.nodes.length})`);
  // Printed for the closing note: every page's result.
  console.log(`axe on ${where}: ${results.passes.length} rules passed, violations: ${all.length === 0 ? 'none' : all.join(', ')}`);
  return results.violations.map((v) => `${v.impact}: ${v.id}: ${v.help} at ${v.nodes.map((n) => n.html.slice(0, 200)).join(', ')}`);
}

test('axe finds no violation, moderate and minor ones included: start page, lobby, call, call with chat and people open, left page', async ({ browser }) => {
  const room = uniqueRoom('axe');
  const startContext = await browser.newContext();
  const start = await startContext.newPage();
  await start.goto('/');
  expect(await violations(start, 'the start page')).toEqual([]);
  await start.goto('/r/%E0%A4%A');
  await expect(start.getByRole('alert')).toHaveText(/not a valid room link/);
  expect(await violations(start, 'the broken-link page')).toEqual([]);
  await startContext.close();

  const ada = await openLobby(browser, room, 'Ada');
  await expect(ada.page.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
  expect(await violations(ada.page, 'the lobby')).toEqual([]);
  await ada.page.getByRole('button', { name: 'Join' }).click();
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  expect(await violations(ada.page, 'the call')).toEqual([]);
  await ada.page.getByRole('button', { name: 'Chat', exact: true }).click();
  await ada.page.getByRole('textbox', { name: 'Message' }).fill('hello');
  await ada.page.keyboard.press('Enter');
  expect(await violations(ada.page, 'the call with the chat open')).toEqual([]);
  await ada.page.getByRole('button', { name: /^People, / }).click();
  expect(await violations(ada.page, 'the call with the people list open')).toEqual([]);
  await ada.page.keyboard.press('?');
  await expect(ada.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await violations(ada.page, 'the shortcuts dialog')).toEqual([]);
  await ada.page.keyboard.press('Escape');
  await ada.page.getByRole('button', { name: 'Leave call' }).click();
  await expect(ada.page.getByRole('heading', { name: 'You left the call' })).toBeVisible();
  expect(await violations(ada.page, 'the left page')).toEqual([]);
  await closeAll([ada, bob]);
});

test('axe on a phone: the call, the More menu and the chat sheet', async ({ browser }) => {
  const room = uniqueRoom('axe-phone');
  const ada = await join(browser, room, 'Ada', { context: PHONE });
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  expect(await violations(ada.page, 'the call on a phone')).toEqual([]);
  await ada.page.getByRole('button', { name: 'More options' }).click();
  await expect(ada.page.getByRole('menu')).toBeVisible();
  expect(await violations(ada.page, 'the More menu on a phone')).toEqual([]);
  await ada.page.keyboard.press('Escape');
  await ada.page.getByRole('button', { name: 'Chat', exact: true }).click();
  expect(await violations(ada.page, 'the chat sheet on a phone')).toEqual([]);
  await closeAll([ada, bob]);
});

test('keyboard only: open a room link, join, mute, send a chat message, raise a hand, leave', async ({ browser }) => {
  const room = uniqueRoom('keyboard');
  const bob = await join(browser, room, 'Bob');
  const context = await browser.newContext();
  await context.addInitScript(installObserver);
  const page = await context.newPage();
  const ada: Person = { name: 'Ada', context, page, errors: [] };
  await page.goto(`/r/${room}`);

  await tabTo(page, 'Your name');
  await page.keyboard.type('Ada');
  await tabTo(page, 'Join');
  await page.keyboard.press('Enter');
  await expect(page.locator('main.call[aria-busy="false"]')).toBeVisible({ timeout: 15_000 });
  await expectFullMesh([ada, bob]);

  await tabTo(page, 'Mute');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Mute', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.page.locator('figure.tile[data-name="Ada"]').getByTestId('muted')).toBeVisible();

  await tabTo(page, 'Chat');
  await page.keyboard.press('Enter');
  // The message box has the focus once the chat opens.
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.type('typed with keys only');
  await page.keyboard.press('Enter');
  await expect(bob.page.getByRole('list', { name: 'Messages' }).getByRole('listitem')).toHaveCount(0);
  await bob.page.getByRole('button', { name: /^Chat/ }).click();
  await expect(bob.page.getByRole('list', { name: 'Messages' })).toContainText('typed with keys only');
  await page.keyboard.press('Escape');

  await tabTo(page, 'Raise hand');
  await page.keyboard.press('Space');
  await expect(bob.page.locator('figure.tile[data-name="Ada"]').getByTestId('hand')).toBeVisible();

  await tabTo(page, 'Leave call');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'You left the call' })).toBeFocused();
  await expect(bob.page.locator('figure.tile[data-name="Ada"]')).toHaveCount(0, { timeout: 5_000 });
  await closeAll([ada, bob]);
});
