import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, uniqueRoom } from './support.js';

const chatButton = (person: Person) => person.page.getByRole('button', { name: /^Chat/ });
const messages = (person: Person) => person.page.getByRole('list', { name: 'Messages' }).getByRole('listitem');

async function openChat(person: Person): Promise<void> {
  await chatButton(person).click();
  await expect(person.page.getByRole('dialog', { name: 'Chat' })).toBeVisible();
}

async function say(person: Person, text: string): Promise<void> {
  const box = person.page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

test('chat goes browser to browser: names and times, links as text, unread counts, announcements, an empty chat for late joiners', async ({ browser }) => {
  const room = uniqueRoom('chat');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);
  await openChat(ada);
  await openChat(bob);
  await expect(ada.page.getByText('Messages go directly between browsers')).toBeVisible();

  const hostile = 'Look <b>here</b>: https://example.org/docs?x=1. <img src=x onerror="document.title=1">';
  await say(ada, hostile);

  // Bob, with the chat open, sees it with Ada's name and a time; the markup stays text, the URL is a link.
  await expect(messages(bob)).toHaveCount(1);
  const received = messages(bob).first();
  await expect(received.locator('.sender')).toHaveText('Ada');
  await expect(received.locator('time')).toHaveText(/^\d{1,2}:\d{2}/);
  await expect(received.locator('.text')).toHaveText(hostile);
  await expect(received.locator('b, img')).toHaveCount(0);
  const link = received.getByRole('link', { name: 'https://example.org/docs?x=1' });
  await expect(link).toHaveAttribute('href', 'https://example.org/docs?x=1');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  expect(await bob.page.title()).not.toBe('1');
  // Ada sees her own message as hers.
  await expect(messages(ada).first().locator('.sender')).toHaveText('You');

  // Cy has the chat closed: an unread count on the button, and a polite announcement.
  await expect(chatButton(cy)).toHaveAccessibleName('Chat, 1 unread');
  await expect(cy.page.locator('[aria-live="polite"]')).toContainText('New message from Ada: Look <b>here</b>');
  await openChat(cy);
  await expect(chatButton(cy)).toHaveAccessibleName('Chat');
  await expect(messages(cy)).toHaveCount(1);

  // Replies go both ways; Shift+Enter makes a new line instead of sending.
  const box = cy.page.getByRole('textbox', { name: 'Message' });
  await box.fill('first line');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  await box.press('Enter');
  for (const person of [ada, bob]) await expect(messages(person).last().locator('.text')).toHaveText('first line\nsecond line');
  await expect(messages(ada).last().locator('.sender')).toHaveText('Cy');

  // A late joiner starts with an empty chat and is told why; new messages reach them.
  const dee = await join(browser, room, 'Dee');
  people.push(dee);
  await expectFullMesh(people);
  await openChat(dee);
  await expect(dee.page.getByText('No messages yet.')).toBeVisible();
  await expect(dee.page.getByText('People who join later start with an empty chat.')).toBeVisible();
  await say(bob, 'welcome Dee');
  await expect(messages(dee)).toHaveCount(1);
  await expect(messages(dee).first().locator('.sender')).toHaveText('Bob');

  // Escape closes the panel.
  await dee.page.getByRole('textbox', { name: 'Message' }).press('Escape');
  await expect(dee.page.getByRole('dialog', { name: 'Chat' })).toHaveCount(0);
  expectNoErrors(people);
  await closeAll(people);
});
