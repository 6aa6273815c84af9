import { type Locator, type Page } from '@playwright/test';
import { closeAll, expect, expectFullMesh, join, type Person, PHONE, test, uniqueRoom } from './support.js';

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

/** Taps a point of the page outside every sheet and popover (on the tiles). */
async function tapOutside(page: Page): Promise<void> {
  await page.touchscreen.tap(195, 60);
}

test('a wide 1280x800 window: two people side by side, tiles clear of the window edge and the controls', async ({ browser }) => {
  const room = uniqueRoom('wide');
  const context = { viewport: { width: 1280, height: 800 } };
  const ada = await join(browser, room, 'Ada', { context });
  const bob = await join(browser, room, 'Bob', { context });
  await expectFullMesh([ada, bob]);
  const self = await box(ada.page.locator('figure.tile.self'));
  const other = await box(ada.page.locator('figure.tile:not(.self)'));
  const controls = await box(ada.page.getByRole('navigation', { name: 'Call controls' }));
  expect(Math.abs(self.y - other.y)).toBeLessThan(1);
  expect(Math.abs(self.width - other.width)).toBeLessThan(1);
  const [left, right] = self.x < other.x ? [self, other] : [other, self];
  expect(right.x).toBeGreaterThanOrEqual(left.x + left.width);
  // Large: together they take most of the width, each keeps 16:9.
  expect(left.width + right.width).toBeGreaterThan(1280 * 0.85);
  expect(left.width / left.height).toBeCloseTo(16 / 9, 1);
  expect(left.x).toBeGreaterThanOrEqual(8);
  expect(right.x + right.width).toBeLessThanOrEqual(1280 - 8);
  expect(self.y).toBeGreaterThanOrEqual(8);
  expect(self.y + self.height).toBeLessThanOrEqual(controls.y - 8);
  await ada.page.screenshot({ path: test.info().outputPath('wide-two-people.png') });
  await closeAll([ada, bob]);
});

test('a phone (390x844): two columns from three people, one row of reachable controls, sheets that close by Escape and by a tap outside and never cover the controls', async ({ browser }) => {
  const room = uniqueRoom('phone');
  const ada = await join(browser, room, 'Ada', { context: PHONE });
  const others = [await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const people: Person[] = [ada, ...others];
  await expectFullMesh(people);
  const { page } = ada;

  // Two columns: Ada and Bob side by side, Cy across the full width below.
  const tiles = page.locator('section.grid figure.tile');
  await expect(tiles).toHaveCount(3);
  const boxes = await Promise.all([0, 1, 2].map((i) => box(tiles.nth(i))));
  expect(Math.abs(boxes[0]!.y - boxes[1]!.y)).toBeLessThan(1);
  expect(boxes[2]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height);
  expect(boxes[2]!.width).toBeGreaterThan(boxes[0]!.width * 1.8);

  // One row of controls, each inside the screen and big enough to tap.
  const controls = page.getByRole('navigation', { name: 'Call controls' });
  const bar = await box(controls);
  const buttons = controls.getByRole('button');
  const count = await buttons.count();
  expect(count).toBeGreaterThanOrEqual(6);
  for (let i = 0; i < count; i++) {
    const b = await box(buttons.nth(i));
    expect(Math.abs(b.y + b.height / 2 - (bar.y + bar.height / 2))).toBeLessThan(2);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
    expect(b.width).toBeGreaterThanOrEqual(40);
  }
  for (const tile of boxes) expect(tile.y + tile.height).toBeLessThanOrEqual(bar.y);
  await page.screenshot({ path: test.info().outputPath('phone-three-people.png') });

  // What does not fit is in More: raise hand from there, seen by the others.
  await page.getByRole('button', { name: 'More options' }).tap();
  await page.getByRole('menuitem', { name: 'Raise hand' }).tap();
  await expect(others[0]!.page.locator('figure.tile[data-name="Ada"]').getByTestId('hand')).toBeVisible();
  await page.getByRole('button', { name: 'More options' }).tap();
  await expect(page.getByRole('menu')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);

  // Devices from More: a sheet above the control bar; Escape closes it, and so does a tap outside.
  for (const close of ['Escape', 'tap'] as const) {
    await page.getByRole('button', { name: 'More options' }).tap();
    await page.getByRole('menuitem', { name: 'Devices' }).tap();
    const devices = page.getByRole('dialog', { name: 'Devices' });
    await expect(devices).toBeVisible();
    const sheet = await box(devices);
    expect(sheet.y + sheet.height).toBeLessThanOrEqual(bar.y);
    expect(sheet.x).toBeGreaterThanOrEqual(0);
    expect(sheet.x + sheet.width).toBeLessThanOrEqual(390);
    await expect(page.getByLabel('Camera', { exact: true })).toBeVisible();
    if (close === 'Escape') await page.keyboard.press('Escape');
    else await tapOutside(page);
    await expect(devices).toHaveCount(0);
  }

  // Chat and people: sheets that leave the control bar visible and usable.
  for (const [button, dialog] of [[/^Chat/, 'Chat'], [/^People, /, /^People/]] as const) {
    for (const close of ['Escape', 'tap', 'button'] as const) {
      await page.getByRole('button', { name: button }).tap();
      const sheet = page.getByRole('dialog', { name: dialog });
      await expect(sheet).toBeVisible();
      const sheetBox = await box(sheet);
      expect(sheetBox.y + sheetBox.height).toBeLessThanOrEqual(bar.y + 1);
      await expect(controls).toBeVisible();
      if (close === 'Escape') await page.keyboard.press('Escape');
      else if (close === 'tap') await tapOutside(page);
      else await page.getByRole('button', { name: button }).tap();
      await expect(sheet).toHaveCount(0);
    }
  }
  await page.getByRole('button', { name: /^Chat/ }).tap();
  await page.screenshot({ path: test.info().outputPath('phone-chat-sheet.png') });
  await closeAll(people);
});
