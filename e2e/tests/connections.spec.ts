import AxeBuilder from '@axe-core/playwright';
import { closeAll, expect, expectFullMesh, expectNoErrors, join, type Person, test, uniqueRoom } from './support.js';

async function openConnections(person: Person) {
  await person.page.getByRole('button', { name: 'More options' }).click();
  await person.page.getByRole('menuitem', { name: 'Connections' }).click();
  const dialog = person.page.getByRole('dialog', { name: 'Connections' });
  await expect(dialog).toBeVisible();
  return dialog;
}

test('the connections view shows who reaches whom, every pair with its route and round trip, and a pair that cannot connect with what would fix it', async ({ browser }) => {
  const room = uniqueRoom('links');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada] = people as [Person];
  await expectFullMesh(people);

  const dialog = await openConnections(ada);
  // Every pair, as each side sees it, including the pair Ada is not part of (from Bob's and Cy's reports).
  for (const [from, to] of [['You', 'Bob'], ['You', 'Cy'], ['Bob', 'You'], ['Bob', 'Cy'], ['Cy', 'Bob'], ['Cy', 'You']]) {
    await expect(dialog.getByTestId(`link-${from}-${to}`)).toHaveText(/^direct, \d+ ms$/, { timeout: 15_000 });
  }
  await expect(dialog.getByRole('columnheader', { name: 'You' })).toBeVisible();
  await expect(dialog.getByText('No pair is failing.')).toBeVisible();
  const axe = await new AxeBuilder({ page: ada.page }).include('[role="dialog"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Fay's browser may only use a relay, and this server has no TURN: she reaches nobody. Ada sees it for
  // her own link and for Bob's and Cy's, with the hint that a TURN server would fix it.
  const fay = await join(browser, room, 'Fay', {
    init: () => {
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super({ ...config, iceTransportPolicy: 'relay' });
        }
      };
    },
  });
  for (const from of ['You', 'Bob', 'Cy']) {
    await expect(dialog.getByTestId(`link-${from}-Fay`)).toHaveText('not connecting', { timeout: 30_000 });
  }
  await expect(dialog.getByRole('list', { name: 'Problems' }).getByRole('listitem')).toHaveCount(3);
  await expect(dialog.getByText('Bob and Fay cannot reach each other directly (a firewall or NAT in the way). A TURN server would relay this pair', { exact: false })).toBeVisible();
  // Everyone else still reaches everyone.
  await expect(dialog.getByTestId('link-Bob-Cy')).toHaveText(/^direct, \d+ ms$/);

  await ada.page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expectNoErrors(people);
  await closeAll([...people, fay]);
});
