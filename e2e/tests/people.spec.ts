import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, tileOf, uniqueRoom } from './support.js';

const peopleButton = (person: Person) => person.page.getByRole('button', { name: /^People, / });
const peopleList = (person: Person) => person.page.getByRole('list', { name: 'People in the call' });
const rowOf = (person: Person, name: string) => peopleList(person).locator(`li[data-name="${name}"]`);

test('the people list: everyone with their microphone, camera, screen and hand; the count on its button', async ({ browser }) => {
  const room = uniqueRoom('people');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);

  await expect(ada.page.getByTestId('people-count')).toHaveText('3');
  await peopleButton(ada).click();
  const panel = ada.page.getByRole('dialog', { name: 'People (3)' });
  await expect(panel).toBeVisible();
  await expect(peopleList(ada).getByRole('listitem')).toHaveText([/Ada\s\(you\)/, /Bob/, /Cy/]);
  await expect(peopleButton(ada)).toHaveAttribute('aria-pressed', 'true');

  // States follow the others' changes.
  await bob.page.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(rowOf(ada, 'Bob').getByRole('img', { name: 'Microphone muted' })).toBeVisible();
  await cy.page.getByRole('button', { name: 'Camera off' }).click();
  await expect(rowOf(ada, 'Cy').getByRole('img', { name: 'Camera off' })).toBeVisible();
  await expect(rowOf(ada, 'Bob').getByRole('img', { name: 'Camera on' })).toBeVisible();
  await cy.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(rowOf(ada, 'Cy').getByRole('img', { name: 'Presenting' })).toBeVisible();

  // Raised hands come first, in the order they went up.
  await cy.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(rowOf(ada, 'Cy').getByRole('img', { name: 'Hand raised, number 1 in line' })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(rowOf(ada, 'Bob').getByRole('img', { name: 'Hand raised, number 2 in line' })).toBeVisible();
  await expect(peopleList(ada).getByRole('listitem')).toHaveText([/Cy/, /Bob/, /Ada\s\(you\)/]);

  // A leave updates the list, its heading and the count.
  await bob.context.close();
  await expect(ada.page.getByRole('dialog', { name: 'People (2)' })).toBeVisible({ timeout: 10_000 });
  await expect(ada.page.getByTestId('people-count')).toHaveText('2');
  await expect(peopleList(ada).getByRole('listitem')).toHaveCount(2);

  // Opening the chat closes the list (they share the side of the call); Escape closes the chat.
  await ada.page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(panel).toHaveCount(0);
  await expect(ada.page.getByRole('dialog', { name: 'Chat' })).toBeVisible();
  await ada.page.keyboard.press('Escape');
  await expect(ada.page.getByRole('dialog', { name: 'Chat' })).toHaveCount(0);
  expectNoErrors([ada, cy]);
  await closeAll([ada, cy]);
});

test('speaking: a ring on the tile of whoever speaks (the fake microphone beeps), and "you are muted" when you speak muted', async ({ browser }) => {
  const room = uniqueRoom('speak');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);

  // Chromium's fake microphone beeps: each beep is heard as speech, at everyone's.
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada')).toHaveClass(/speaking/, { timeout: 15_000 });
  await ada.page.getByRole('button', { name: /^People, / }).click();
  await expect(ada.page.getByRole('list', { name: 'People in the call' }).locator('li[data-name="Bob"]').getByTestId('speaking')).toBeVisible({ timeout: 15_000 });

  // Muted: the others never see Ada speak; Ada is told she is muted while her microphone hears her.
  await ada.page.getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(ada.page.getByRole('status').filter({ hasText: 'You are muted.' })).toBeVisible({ timeout: 15_000 });
  await expect(tileOf(bob, 'Ada')).not.toHaveClass(/speaking/, { timeout: 5_000 });
  await bob.page.waitForTimeout(3_000);
  await expect(tileOf(bob, 'Ada')).not.toHaveClass(/speaking/);
  // The hint's own button unmutes.
  await ada.page.getByRole('button', { name: /^Unmute/ }).click();
  await expect(ada.page.getByRole('button', { name: 'Mute', exact: true })).toHaveAttribute('aria-pressed', 'false');
  await expect(ada.page.getByRole('status').filter({ hasText: 'You are muted.' })).toHaveCount(0);
  expectNoErrors(people);
  await closeAll(people);
});
