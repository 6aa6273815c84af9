import { clickJoin, closeAll, expect, expectFullMesh, expectNoErrors, expectVideoFlowing, openLobby, test, uniqueRoom, waitJoined } from './support.js';

test('the app is served with a strict Content-Security-Policy and a call works under it', async ({ browser, page }) => {
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response?.headers()['permissions-policy']).toContain('camera=(self)');
  // The call itself (signaling socket, media, styles) runs under that policy; violations fail the test.
  const room = uniqueRoom('csp');
  const people = [await openLobby(browser, room, 'Ada'), await openLobby(browser, room, 'Bob')];
  for (const person of people) {
    await clickJoin(person);
    await waitJoined(person);
  }
  await expectFullMesh(people);
  await expectVideoFlowing(people[1]!, 'Ada');
  expectNoErrors(people);
  await closeAll(people);
});

test('a room protected by a passcode lets in only those who know it', async ({ browser }) => {
  const room = uniqueRoom('locked');
  const owner = await openLobby(browser, room, 'Owner');
  await owner.page.getByRole('button', { name: 'Protect this room with a passcode' }).click();
  await owner.page.getByLabel('Passcode for this room').fill('blue-harbour-42');
  await clickJoin(owner);
  await waitJoined(owner);

  const guest = await openLobby(browser, room, 'Guest');
  await clickJoin(guest);
  await expect(guest.page.getByRole('alert')).toHaveText('This room is protected by a passcode.');
  await guest.page.getByLabel('Room passcode').fill('wrong-guess');
  await clickJoin(guest);
  await expect(guest.page.getByRole('alert')).toHaveText('That passcode is not right.');
  await guest.page.getByLabel('Room passcode').fill('blue-harbour-42');
  await clickJoin(guest);
  await waitJoined(guest);
  await expectFullMesh([owner, guest]);
  expectNoErrors([owner, guest]);
  await closeAll([owner, guest]);
});

test('protecting a room someone already opened is refused, the lobby says so, and the person joins unprotected', async ({ browser }) => {
  const room = uniqueRoom('open');
  const host = await openLobby(browser, room, 'Host');
  await clickJoin(host);
  await waitJoined(host);
  const late = await openLobby(browser, room, 'Late');
  await late.page.getByRole('button', { name: 'Protect this room with a passcode' }).click();
  await late.page.getByLabel('Passcode for this room').fill('too-late-now');
  await clickJoin(late);
  await expect(late.page.getByRole('alert')).toHaveText('This room is not protected by a passcode: join without one.');
  await expect(late.page.getByLabel('Passcode for this room')).toHaveCount(0);
  await clickJoin(late);
  await waitJoined(late);
  await expectFullMesh([host, late]);
  expectNoErrors([host, late], /room_not_protected/);
  await closeAll([host, late]);
});

test('a name that would show nothing is explained in the lobby, not sent', async ({ browser }) => {
  const person = await openLobby(browser, uniqueRoom('names'), '\u3164');
  await clickJoin(person);
  await expect(person.page.getByRole('alert')).toHaveText('This name cannot be used: no invisible characters.');
  await person.page.getByLabel('Your name').fill('می\u200cخواهم');
  await clickJoin(person);
  await waitJoined(person);
  await closeAll([person]);
});
