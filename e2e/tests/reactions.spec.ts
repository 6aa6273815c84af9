import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, tileOf, uniqueRoom } from './support.js';

test('reactions float over the sender’s tile at everyone’s for about 3 s, a few per second at most', async ({ browser }) => {
  const room = uniqueRoom('react');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);

  await ada.page.getByRole('button', { name: 'Reactions' }).click();
  const clap = ada.page.getByRole('toolbar', { name: 'Send a reaction' }).getByRole('button', { name: 'React with 👏' });
  await clap.click();
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('reaction')).toHaveText('👏');
  // Also over Ada's own tile at her end.
  await expect(ada.page.locator('figure.tile.self[data-source="camera"]').getByTestId('reaction')).toHaveText('👏');
  // Gone after about 3 seconds.
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('reaction')).toHaveCount(0, { timeout: 4_000 });

  // Twenty clicks at once (in one page task, so no time passes for the allowance to refill): only the
  // burst allowance of five goes out and floats.
  await ada.page.waitForTimeout(2_000); // let the allowance refill
  await ada.page.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('[role="toolbar"] button[aria-label="React with 👏"]')!;
    for (let i = 0; i < 20; i++) button.click();
  });
  await expect(tileOf(bob, 'Ada').getByTestId('reaction')).toHaveCount(5);
  await bob.page.waitForTimeout(500);
  await expect(tileOf(bob, 'Ada').getByTestId('reaction')).toHaveCount(5);

  // Escape closes the picker.
  await clap.press('Escape');
  await expect(ada.page.getByRole('toolbar', { name: 'Send a reaction' })).toHaveCount(0);
  expectNoErrors(people);
  await closeAll(people);
});
