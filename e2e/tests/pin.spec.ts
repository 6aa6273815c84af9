import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, screenOf, test, tileOf, uniqueRoom } from './support.js';

test('pin a tile to the large area (a local choice), full screen a tile, picture-in-picture where supported', async ({ browser }) => {
  const room = uniqueRoom('pin');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);

  const stage = ada.page.getByRole('region', { name: 'Pinned' });
  await tileOf(ada, 'Bob').hover();
  await ada.page.getByRole('button', { name: 'Pin Bob', exact: true }).click();
  await expect(stage.locator('figure.tile[data-name="Bob"]')).toBeVisible();
  await expect(ada.page.getByRole('button', { name: 'Pin Bob', exact: true })).toHaveAttribute('aria-pressed', 'true');
  // The pinned tile is the largest on the page.
  const pinnedBox = (await stage.locator('figure.tile').boundingBox())!;
  const cyBox = (await tileOf(ada, 'Cy').boundingBox())!;
  expect(pinnedBox.width).toBeGreaterThan(cyBox.width * 2);
  // Only Ada's view changed.
  await expect(bob.page.getByRole('region', { name: 'Pinned' })).toHaveCount(0);
  await expect(cy.page.getByRole('region', { name: 'Pinned' })).toHaveCount(0);

  // A pin beats a presentation: the screen goes to the strip until Ada unpins.
  await cy.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(screenOf(ada, 'Cy')).toBeVisible();
  await expect(stage.locator('figure.tile[data-name="Bob"]')).toBeVisible();
  await ada.page.getByRole('button', { name: 'Pin Bob', exact: true }).click();
  await expect(ada.page.getByRole('region', { name: 'Presentations' }).locator('figure.tile[data-source="screen"][data-name="Cy"]')).toBeVisible();

  // Full screen.
  await tileOf(ada, 'Cy').hover();
  await ada.page.getByRole('button', { name: 'Full screen: Cy', exact: true }).click();
  await expect.poll(() => ada.page.evaluate(() => (document.fullscreenElement as HTMLElement | null)?.dataset.name)).toBe('Cy');
  await ada.page.evaluate(() => document.exitFullscreen());

  // Picture-in-picture, where the browser has it.
  if (await ada.page.evaluate(() => document.pictureInPictureEnabled)) {
    await tileOf(ada, 'Bob').hover();
    await ada.page.getByRole('button', { name: 'Picture-in-picture: Bob', exact: true }).click();
    await expect.poll(() => ada.page.evaluate(() => (document.pictureInPictureElement?.closest('figure') as HTMLElement | null)?.dataset.name)).toBe('Bob');
  }
  expectNoErrors(people);
  await closeAll(people);
});
