import {
  clickJoin,
  closeAll,
  expect,
  expectAudioFlowing,
  expectFullMesh,
  expectNoErrors,
  expectVideoFlowing,
  join,
  openLobby,
  type Person,
  remoteIds,
  test,
  tileOf,
  uniqueRoom,
  waitJoined,
} from './support.js';

test('three people join at the same moment and each decodes video and receives audio from the other two', async ({ browser }) => {
  const room = uniqueRoom();
  const people = await Promise.all(['Ada', 'Bob', 'Cy'].map((name) => openLobby(browser, room, name)));
  await Promise.all(people.map(clickJoin));
  await Promise.all(people.map(waitJoined));
  await expectFullMesh(people);
  for (const person of people) {
    for (const other of people.filter((p) => p !== person)) {
      await expectVideoFlowing(person, other.name);
      await expectAudioFlowing(person, other.name);
      await expect(tileOf(person, other.name)).toBeVisible();
    }
  }
  const [ada, bob, cy] = people as [Person, Person, Person];

  // Mute: the others see the muted icon on Ada's tile.
  await ada.page.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click();
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('muted')).toBeVisible();
  await ada.page.getByRole('button', { name: 'Mute', exact: true, pressed: true }).click();
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('muted')).toBeHidden();

  // Camera off: the track really ends and the others see the placeholder; on again: frames flow again.
  // The camera track as the self tile shows it, kept to check that turning the camera off ends it.
  await ada.page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('figure.tile.self[data-source="camera"] video');
    (window as unknown as { cameraTrack: MediaStreamTrack | undefined }).cameraTrack = (video?.srcObject as MediaStream).getVideoTracks()[0];
  });
  await ada.page.getByRole('button', { name: 'Camera off', pressed: false }).click();
  for (const other of [bob, cy]) await expect(tileOf(other, 'Ada').getByTestId('camera-off')).toBeVisible();
  await expect
    .poll(() =>
      ada.page.evaluate(() => ({
        ended: (window as unknown as { cameraTrack: MediaStreamTrack }).cameraTrack.readyState,
        // Every link still has its camera sender (no renegotiation), now sending nothing.
        videoSenders: window.__e2e.pcs
          .filter((pc) => pc.connectionState !== 'closed')
          .map((pc) => pc.getSenders().filter((sender) => sender.track?.kind === 'video').length),
      })),
    )
    .toEqual({ ended: 'ended', videoSenders: [0, 0] });
  await ada.page.getByRole('button', { name: 'Camera off', pressed: true }).click();
  for (const other of [bob, cy]) {
    await expect(tileOf(other, 'Ada').getByTestId('camera-off')).toBeHidden();
    await expectVideoFlowing(other, 'Ada');
  }

  // Leaving: gone from the others' grids within 2 seconds.
  await cy.page.getByRole('button', { name: 'Leave call' }).click();
  for (const other of [ada, bob]) await expect(tileOf(other, 'Cy')).toHaveCount(0, { timeout: 2_000 });

  // A late joiner sees everyone, with their current media state.
  await bob.page.getByRole('button', { name: 'Mute', exact: true, pressed: false }).click();
  const dee = await join(browser, room, 'Dee');
  await expectFullMesh([ada, bob, dee]);
  await expectVideoFlowing(dee, 'Ada');
  await expectVideoFlowing(dee, 'Bob');
  await expect(tileOf(dee, 'Bob').getByTestId('muted')).toBeVisible();
  await expect(tileOf(dee, 'Ada').getByTestId('muted')).toBeHidden();

  expectNoErrors([ada, bob, cy, dee]);
  await closeAll([ada, bob, cy, dee]);
});

test('a page reload rejoins as a new participant and the stale one is removed', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await join(browser, room, 'Ada');
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  const [oldId] = await remoteIds(ada);
  await bob.page.reload();
  await clickJoin(bob); // the name is remembered in localStorage
  await waitJoined(bob);
  await expectFullMesh([ada, bob]);
  const [newId] = await remoteIds(ada);
  expect(newId).not.toBe(oldId);
  await expect(ada.page.locator('figure.tile:not(.self)')).toHaveCount(1);
  await expect(tileOf(ada, 'Bob')).toHaveAttribute('data-participant-id', newId!);
  await expectVideoFlowing(ada, 'Bob');
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});

test('with the camera blocked a person joins audio-only and is told why', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await join(browser, room, 'Ada');
  const bob = await openLobby(browser, room, 'Bob', { init: () => {
    // Simulates a person who refused camera access in the permission prompt.
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (constraints?.video) throw new DOMException('Permission denied', 'NotAllowedError');
      return original(constraints);
    };
  } });
  await expect(bob.page.getByText('Access to your camera is blocked')).toBeVisible();
  await clickJoin(bob);
  await waitJoined(bob);
  await expectFullMesh([ada, bob]);
  await expectAudioFlowing(ada, 'Bob');
  await expectVideoFlowing(bob, 'Ada');
  await expect(tileOf(ada, 'Bob').getByTestId('camera-off')).toBeVisible();
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});

test('with camera and microphone blocked a person still joins to see and hear the others', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await join(browser, room, 'Ada');
  const bob = await openLobby(browser, room, 'Bob', {
    init: () => {
      navigator.mediaDevices.getUserMedia = async () => {
        throw new DOMException('Permission denied', 'NotAllowedError');
      };
    },
  });
  await expect(bob.page.getByText('Access to your camera is blocked')).toBeVisible();
  await expect(bob.page.getByText('Access to your microphone is blocked')).toBeVisible();
  await expect(bob.page.getByText('You can still join to see and hear the others.')).toBeVisible();
  await clickJoin(bob);
  await waitJoined(bob);
  await expectFullMesh([ada, bob]);
  await expectVideoFlowing(bob, 'Ada');
  await expectAudioFlowing(bob, 'Ada');
  await expect(tileOf(ada, 'Bob').getByTestId('camera-off')).toBeVisible();
  await expect(tileOf(ada, 'Bob').getByTestId('muted')).toBeVisible();
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});

test('the chosen speaker is applied to every remote audio element', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await join(browser, room, 'Ada');
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  await ada.page.getByRole('button', { name: 'Devices' }).click();
  const speakerPicker = ada.page.getByLabel('Speaker', { exact: true });
  const speakers = await speakerPicker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(speakers.length).toBeGreaterThan(1);
  const chosen = speakers.find((id) => id !== 'default')!;
  await speakerPicker.selectOption(chosen);
  await expect
    .poll(() => ada.page.evaluate(() => [...document.querySelectorAll('audio')].map((audio) => (audio as HTMLAudioElement & { sinkId: string }).sinkId)))
    .toEqual([chosen]);
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});
