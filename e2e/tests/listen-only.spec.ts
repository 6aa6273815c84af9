import AxeBuilder from '@axe-core/playwright';
import {
  clickJoin,
  closeAll,
  expect,
  expectAudioFlowing,
  expectFullMesh,
  expectNoErrors,
  expectVideoFlowing,
  inbound,
  join,
  openLobby,
  test,
  tileOf,
  uniqueRoom,
  waitJoined,
} from './support.js';

test('a person joins to listen only: sees and hears everyone, sends nothing, and is shown as listening rather than muted', async ({ browser }) => {
  const room = uniqueRoom('listen');
  const ada = await join(browser, room, 'Ada');
  const bob = await join(browser, room, 'Bob');
  const lou = await openLobby(browser, room, 'Lou');
  await lou.page.getByRole('checkbox', { name: 'Listen only' }).check();
  // No device pickers for a listener; the choice is explained.
  await expect(lou.page.getByText('Join without microphone or camera')).toBeVisible();
  await clickJoin(lou);
  await waitJoined(lou);
  const people = [ada, bob, lou];
  await expectFullMesh(people);

  // Lou sees and hears the others.
  for (const other of ['Ada', 'Bob']) {
    await expectVideoFlowing(lou, other);
    await expectAudioFlowing(lou, other);
  }
  // The others show Lou as listening (in the tile and the list of people), never as muted.
  for (const other of [ada, bob]) {
    await expect(tileOf(other, 'Lou').getByTestId('listening')).toHaveText('Listening');
    await expect(tileOf(other, 'Lou').getByTestId('muted')).toHaveCount(0);
  }
  await ada.page.getByRole('button', { name: /^People, / }).click();
  const louListed = ada.page.getByRole('list', { name: 'People in the call' }).getByRole('listitem').filter({ hasText: 'Lou' });
  await expect(louListed.getByTestId('listening')).toBeVisible();
  await expect(louListed.getByTestId('mic-state')).toHaveCount(0);

  // Lou has nothing to turn on, and sends nothing: no camera or microphone in use, no frames or audio from Lou.
  await expect(lou.page.getByRole('button', { name: 'Mute', exact: true })).toHaveCount(0);
  await expect(lou.page.getByRole('button', { name: 'Camera off' })).toHaveCount(0);
  await expect(lou.page.getByRole('button', { name: 'Share screen' })).toHaveCount(0);
  await expect(lou.page.locator('figure.tile.self').getByTestId('listening')).toBeVisible();
  const fromLou = await inbound(ada, 'Lou');
  expect(fromLou.framesDecoded).toBe(0);
  expect(fromLou.audioPackets).toBe(0);

  const results = await new AxeBuilder({ page: lou.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expectNoErrors(people);
  await closeAll(people);
});
