import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, tileOf, uniqueRoom } from './support.js';

const raiseHand = (person: Person) => person.page.getByRole('button', { name: 'Raise hand' });
const announcements = (person: Person) => person.page.locator('[aria-live="polite"]');

test('raised hands: seen by everyone in the order they went up, by a late joiner too, lowered by their owner, announced', async ({ browser }) => {
  const room = uniqueRoom('hands');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);
  // Joins are announced politely.
  await expect(announcements(ada)).toHaveText('Cy joined');

  await raiseHand(bob).click();
  await expect(raiseHand(bob)).toHaveAttribute('aria-pressed', 'true');
  for (const other of [ada, cy]) {
    await expect(tileOf(other, 'Bob').getByTestId('hand')).toHaveAccessibleName('Hand raised, number 1 in line');
    await expect(announcements(other)).toHaveText('Bob raised a hand');
  }
  await raiseHand(ada).click();
  await expect(tileOf(cy, 'Ada').getByTestId('hand')).toHaveAccessibleName('Hand raised, number 2 in line');
  // Your own tile shows your place too.
  await expect(ada.page.locator('figure.tile.self[data-source="camera"]').getByTestId('hand')).toHaveText('✋ 2');

  // A late joiner sees both hands, in order.
  const dee = await join(browser, room, 'Dee');
  people.push(dee);
  await expect(tileOf(dee, 'Bob').getByTestId('hand')).toHaveText('✋ 1');
  await expect(tileOf(dee, 'Ada').getByTestId('hand')).toHaveText('✋ 2');

  // Bob lowers his hand: gone everywhere, and Ada moves up.
  await raiseHand(bob).click();
  await expect(raiseHand(bob)).toHaveAttribute('aria-pressed', 'false');
  for (const other of [ada, cy, dee]) await expect(tileOf(other, 'Bob').getByTestId('hand')).toHaveCount(0);
  await expect(tileOf(dee, 'Ada').getByTestId('hand')).toHaveText('✋ 1');

  // Leaving is announced too (at once after an explicit leave; if a starved page's leave is lost in a
  // reconnect, after the server's 30 s grace period).
  await cy.page.getByRole('button', { name: 'Leave call' }).click();
  await expect(announcements(ada)).toHaveText('Cy left', { timeout: 40_000 });
  expectNoErrors(people);
  await closeAll(people);
});
