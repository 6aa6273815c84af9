import { Bot } from '@meshmeet/bot';
import { BASE_URL } from '../playwright.config.js';
import { launchFirefox } from './firefox.js';
import {
  closeAll,
  expect,
  expectAudioFlowing,
  expectFullMesh,
  expectNoErrors,
  expectScreenFlowing,
  expectVideoFlowing,
  join,
  safetyCode,
  type Person,
  screenOf,
  test,
  tileOf,
  uniqueRoom,
} from './support.js';

/** The codec and width of the camera video `person` sends to `to` (from the sender's getStats). */
function sentCamera(person: Person, to: string): Promise<{ codec: string; width: number } | undefined> {
  return person.page.evaluate(async (to) => {
    const pc = window.__e2e.pcOf(to);
    const report = await pc?.getStats();
    let sent: { codec: string; width: number } | undefined;
    report?.forEach((s: Record<string, unknown>) => {
      // The camera: the video sender with frames (the screen's sends nothing here).
      if (s.type === 'outbound-rtp' && s.kind === 'video' && Number(s.framesEncoded ?? 0) > 0 && Number(s.frameWidth ?? 0) > 0) {
        const codec = report.get(String(s.codecId)) as { mimeType?: string } | undefined;
        sent = { codec: String(codec?.mimeType).toLowerCase(), width: Number(s.frameWidth) };
      }
    });
    return sent;
  }, to);
}

/** Device-pixel width of `name`'s camera tile in `person`'s view. */
const tileWidth = (person: Person, name: string) => tileOf(person, name).evaluate((tile) => Math.round(tile.getBoundingClientRect().width * devicePixelRatio));

test('Chromium and Firefox in one call: media every way, each link on the cheapest common codec, mute, camera, screen and chat across browsers, then the werift bot joins them', async ({ browser }) => {
  // Three browsers and then a bot on two cores: more than the default two minutes.
  test.setTimeout(240_000);
  const firefox = await launchFirefox();
  try {
    const room = uniqueRoom('firefox');
    const ada = await join(browser, room, 'Ada');
    const bob = await join(browser, room, 'Bob');
    // Its own browser, so its own base URL (the suite's `use.baseURL` configures Chromium's contexts).
    const fay = await join(firefox, room, 'Fay', BASE_URL);
    const people = [ada, bob, fay];
    await expectFullMesh(people);
    for (const person of people) {
      for (const other of people.filter((p) => p !== person)) {
        await expectVideoFlowing(person, other.name);
        await expectAudioFlowing(person, other.name);
      }
    }

    // Codecs: H.264 between the Chromiums (cheapest here), VP8 with Firefox (it has no H.264 here).
    await expect.poll(async () => (await sentCamera(ada, 'Bob'))?.codec).toBe('video/h264');
    await expect.poll(async () => (await sentCamera(ada, 'Fay'))?.codec).toBe('video/vp8');
    await expect.poll(async () => (await sentCamera(fay, 'Ada'))?.codec).toBe('video/vp8');
    // Firefox takes the receivers' sizes too. A receiver reports its tile rounded up to the next width
    // step (at most 1.5x the tile) and is sent 3/4 of that, so Firefox never sends more than 1.125x the
    // tile, well under the camera's 640 px here (its own CPU adaptation may send less: docs/benchmarks.md).
    for (const viewer of [ada, bob]) {
      const shown = await tileWidth(viewer, 'Fay');
      expect(shown * 1.125, 'a tile small enough to tell adaptation from none').toBeLessThan(640);
      await expect.poll(async () => (await sentCamera(fay, viewer.name))?.width ?? Infinity, { timeout: 15_000 }).toBeLessThanOrEqual(Math.ceil(shown * 1.125));
    }

    // Mute and camera off in Firefox reach the Chromiums, and the camera comes back.
    await fay.page.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click();
    for (const other of [ada, bob]) await expect(tileOf(other, 'Fay').getByTestId('muted')).toBeVisible();
    await fay.page.getByRole('button', { name: 'Camera off', pressed: false }).click();
    for (const other of [ada, bob]) await expect(tileOf(other, 'Fay').getByTestId('camera-off')).toBeVisible();
    await fay.page.getByRole('button', { name: 'Camera off', pressed: true }).click();
    for (const other of [ada, bob]) {
      await expect(tileOf(other, 'Fay').getByTestId('camera-off')).toBeHidden();
      await expectVideoFlowing(other, 'Fay');
    }
    await fay.page.getByRole('button', { name: 'Mute', exact: true, pressed: true }).click();
    await expect(tileOf(ada, 'Fay').getByTestId('muted')).toBeHidden();

    // A Chromium's screen, seen in Firefox.
    await ada.page.getByRole('button', { name: 'Share screen' }).click();
    await expect(screenOf(fay, 'Ada')).toBeVisible();
    await expectScreenFlowing(fay, 'Ada');

    // Chat both ways across browsers, as text.
    for (const [from, to, text] of [
      [fay, ada, 'Hello from <b>Firefox</b>'],
      [ada, fay, 'Hello from Chromium'],
    ] as const) {
      await from.page.getByRole('button', { name: /^Chat/ }).click();
      const box = from.page.getByRole('textbox', { name: 'Message' });
      await box.fill(text);
      await box.press('Enter');
      await to.page.getByRole('button', { name: /^Chat/ }).click();
      const received = to.page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: text });
      await expect(received.locator('.sender')).toHaveText(from.name);
      await expect(received.locator('.text')).toHaveText(text);
      await to.page.keyboard.press('Escape');
      await from.page.keyboard.press('Escape');
    }
    // Safety codes across browsers: Firefox and Chromium derive the same code for their pair.
    for (const chromium of [ada, bob]) expect(await safetyCode(fay, chromium.name), `${chromium.name} and Fay`).toBe(await safetyCode(chromium, fay.name));

    // The reference peer joins the same call: two Chromiums, a Firefox and a werift bot, everyone with everyone
    // (Ada stops presenting first, so every camera has a tile on every page).
    await ada.page.getByRole('button', { name: 'Share screen', pressed: true }).click();
    await expect(screenOf(fay, 'Ada')).toBeHidden();
    const bot = new Bot({ link: `${BASE_URL}/r/${room}`, name: 'Pattern', mode: 'pattern', hostAddresses: ['127.0.0.1'], log: () => {} });
    try {
      await bot.join();
      for (const person of people) {
        await expectVideoFlowing(person, 'Pattern');
        await expectAudioFlowing(person, 'Pattern');
      }
      for (const name of ['Ada', 'Bob', 'Fay']) {
        await expect.poll(() => bot.receivedFrom()[name]?.camera.frames ?? 0, { message: `the bot gets ${name}'s camera`, timeout: 15_000 }).toBeGreaterThan(20);
      }
      expect(bot.problems).toEqual([]);
    } finally {
      await bot.leave();
    }
    expectNoErrors(people);
    await closeAll(people);
  } finally {
    await firefox.close();
  }
});
