import {
  closeAll,
  dropSignaling,
  expect,
  expectFullMesh,
  expectNoErrors,
  expectScreenFlowing,
  expectVideoFlowing,
  join,
  negotiations,
  type Person,
  screenOf,
  test,
  tileOf,
  uniqueRoom,
  waitJoined,
} from './support.js';

/** When `person` presented the first frame of `from`'s screen (Date.now() in that page). */
function firstScreenFrameAt(person: Person, from: string): Promise<number | undefined> {
  return person.page.evaluate((from) => {
    const tile = [...document.querySelectorAll<HTMLElement>('figure.tile[data-source="screen"]:not(.self)')].find((t) => t.dataset.name === from);
    const trackId = (tile?.querySelector('video')?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id;
    return trackId === undefined ? undefined : window.__e2e.firstFrames[trackId];
  }, from);
}

const totalNegotiations = async (people: Person[]) => (await Promise.all(people.map(negotiations))).reduce((a, b) => a + b, 0);

test('sharing a screen: others decode it at least as wide as they show it, without any renegotiation, and it survives mute, camera off and a signaling drop', async ({ browser }) => {
  const room = uniqueRoom('screen');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);
  await expectVideoFlowing(bob, 'Ada');
  const negotiationsBefore = await totalNegotiations(people);

  const pressedAt = await ada.page.evaluate(() => Date.now());
  await ada.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(ada.page.getByRole('status').filter({ hasText: 'You are presenting' })).toBeVisible();
  const widths: number[] = [];
  const delays: number[] = [];
  for (const viewer of [bob, cy]) {
    await expect(screenOf(viewer, 'Ada')).toBeVisible();
    await expect(screenOf(viewer, 'Ada').locator('figcaption')).toHaveText("Ada's screen");
    widths.push(await expectScreenFlowing(viewer, 'Ada'));
    delays.push((await firstScreenFrameAt(viewer, 'Ada'))! - pressedAt);
    // People move to the strip, the screen takes the stage, and Ada's camera keeps flowing.
    await expect(viewer.page.locator('.stage figure.tile[data-source="screen"]')).toHaveCount(1);
    await expectVideoFlowing(viewer, 'Ada');
  }
  console.log(`screen share: decoded ${widths.join(' and ')} px wide; first screen frame ${delays.join(' and ')} ms after pressing the button`);
  expect(await totalNegotiations(people), 'no offer or answer on any link').toBe(negotiationsBefore);

  // Mute and camera off while presenting: the screen keeps flowing.
  await ada.page.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click();
  await ada.page.getByRole('button', { name: 'Camera off', pressed: false }).click();
  await expect(tileOf(bob, 'Ada').getByTestId('camera-off')).toBeVisible();
  await expectScreenFlowing(bob, 'Ada');

  // A late joiner sees the ongoing presentation, with the presenter's name.
  const dee = await join(browser, room, 'Dee');
  people.push(dee);
  await expect(screenOf(dee, 'Ada')).toBeVisible();
  await expectScreenFlowing(dee, 'Ada');

  // Ada's signaling drops and resumes: the presentation stays up everywhere.
  await dropSignaling(ada);
  await expect(ada.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
  await waitJoined(ada);
  await expect(screenOf(bob, 'Ada')).toBeVisible();
  await expectScreenFlowing(bob, 'Ada');

  // Stop with the button: gone everywhere within 2 s; the camera is as it was (still off).
  const negotiationsBeforeStop = await totalNegotiations(people);
  await ada.page.getByRole('button', { name: 'Stop presenting' }).first().click();
  for (const viewer of [bob, cy, dee]) await expect(screenOf(viewer, 'Ada')).toHaveCount(0, { timeout: 2_000 });
  await expect(ada.page.getByRole('status').filter({ hasText: 'You are presenting' })).toHaveCount(0);
  await expect(tileOf(bob, 'Ada').getByTestId('camera-off')).toBeVisible();
  expect(await totalNegotiations(people)).toBe(negotiationsBeforeStop);
  expectNoErrors(people);
  await closeAll(people);
});

test("stopping from the browser's own bar ends the presentation, and two people may present at once", async ({ browser }) => {
  const room = uniqueRoom('screen2');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  const [ada, bob, cy] = people as [Person, Person, Person];
  await expectFullMesh(people);
  await ada.page.getByRole('button', { name: 'Share screen' }).click();
  await bob.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(cy.page.locator('.stage figure.tile[data-source="screen"]')).toHaveCount(2);
  await expectScreenFlowing(cy, 'Ada');
  await expectScreenFlowing(cy, 'Bob');
  // The browser's "Stop sharing" ends the track (headless Chromium has no bar: dispatch what it fires).
  await ada.page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('figure.tile.self[data-source="screen"] video');
    (video?.srcObject as MediaStream).getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
  });
  for (const viewer of [bob, cy]) await expect(screenOf(viewer, 'Ada')).toHaveCount(0, { timeout: 2_000 });
  await expect(screenOf(cy, 'Bob')).toBeVisible();
  await expect(ada.page.getByRole('button', { name: 'Share screen' })).toBeVisible();
  expectNoErrors(people);
  await closeAll(people);
});
