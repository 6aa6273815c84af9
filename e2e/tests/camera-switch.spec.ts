import {
  clickJoin,
  closeAll,
  expect,
  expectFullMesh,
  expectNoErrors,
  expectVideoFlowing,
  join,
  negotiations,
  openLobby,
  type Person,
  test,
  uniqueRoom,
  waitJoined,
} from './support.js';

const negotiationTotal = negotiations;

/** The device of the video each open link sends. */
function sentVideoDevice(person: Person): Promise<(string | undefined)[]> {
  return person.page.evaluate(() =>
    window.__e2e.pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => pc.getSenders().find((s) => s.track?.kind === 'video')?.track?.getSettings().deviceId),
  );
}

test('switching camera and microphone mid-call keeps video flowing without a new offer/answer', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await join(browser, room, 'Ada');
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  await expectVideoFlowing(bob, 'Ada');
  // Let the initial negotiation settle before counting.
  await expect.poll(() => negotiationTotal(ada)).toBeGreaterThanOrEqual(2);
  const negotiationsBefore = [await negotiationTotal(ada), await negotiationTotal(bob)];

  await ada.page.getByRole('button', { name: 'Devices' }).click();
  const cameraPicker = ada.page.getByLabel('Camera', { exact: true });
  const cameras = await cameraPicker.locator('option').evaluateAll((options) =>
    options.map((o) => (o as HTMLOptionElement).value),
  );
  expect(cameras.length).toBe(3);
  const current = await cameraPicker.inputValue();
  expect(current).toBe(cameras[0]);
  // The third fake camera: the second one is a depth camera whose frames cannot be encoded.
  const other = cameras[2]!;
  const [deviceBefore] = await sentVideoDevice(ada);
  expect(deviceBefore).toBe(current);

  await cameraPicker.selectOption(other);
  await expect.poll(async () => (await sentVideoDevice(ada))[0]).toBe(other);
  await expectVideoFlowing(bob, 'Ada');

  const micPicker = ada.page.getByLabel('Microphone', { exact: true });
  const microphones = await micPicker.locator('option').evaluateAll((options) =>
    options.map((o) => (o as HTMLOptionElement).value),
  );
  const otherMic = microphones.find((id) => id !== 'default' && id !== '')!;
  await micPicker.selectOption(otherMic);
  await expect
    .poll(() =>
      ada.page.evaluate(
        () =>
          window.__e2e.pcs
            .find((pc) => pc.connectionState !== 'closed')
            ?.getSenders()
            .find((s) => s.track?.kind === 'audio')
            ?.track?.getSettings().deviceId,
      ),
    )
    .toBe(otherMic);

  expect([await negotiationTotal(ada), await negotiationTotal(bob)]).toEqual(negotiationsBefore);
  // The old camera was released: the self view shows the new one, and only one camera track is live.
  await expect
    .poll(() =>
      ada.page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('figure.tile.self[data-source="camera"] video');
        return (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId;
      }),
    )
    .toBe(other);
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});

test('an unplugged camera falls back to another one mid-call, and a plugged-in device appears in the pickers', async ({ browser }) => {
  const room = uniqueRoom();
  const ada = await openLobby(browser, room, 'Ada', {
    init: () => {
      // Fake devices cannot be unplugged: let the test hide some and add others, as the OS would.
      const original = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
      const state = { hidden: new Set<string>(), added: [] as MediaDeviceInfo[] };
      (window as unknown as { deviceState: typeof state }).deviceState = state;
      navigator.mediaDevices.enumerateDevices = async () => [
        ...(await original()).filter((device) => !state.hidden.has(device.deviceId)),
        ...state.added,
      ];
    },
  });
  const cameraPicker = ada.page.getByLabel('Camera', { exact: true });
  await expect(cameraPicker.locator('option')).toHaveCount(3);
  const cameras = await cameraPicker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  await cameraPicker.selectOption(cameras[2]!);
  await clickJoin(ada);
  await waitJoined(ada);
  const bob = await join(browser, room, 'Bob');
  await expectFullMesh([ada, bob]);
  expect((await sentVideoDevice(ada))[0]).toBe(cameras[2]);
  await expectVideoFlowing(bob, 'Ada');

  // Unplug the camera in use: the app falls back to a remaining camera without renegotiating.
  const negotiations = await negotiationTotal(ada);
  await ada.page.evaluate((id) => {
    (window as unknown as { deviceState: { hidden: Set<string> } }).deviceState.hidden.add(id);
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  }, cameras[2]!);
  await expect.poll(async () => (await sentVideoDevice(ada))[0]).toBe(cameras[0]);
  await expectVideoFlowing(bob, 'Ada');
  expect(await negotiationTotal(ada)).toBe(negotiations);
  await ada.page.getByRole('button', { name: 'Devices' }).click();
  await expect(cameraPicker.locator('option')).toHaveCount(2);
  await expect(cameraPicker).toHaveValue(cameras[0]!);

  // Plug in a new camera: it shows up in the picker.
  await ada.page.evaluate(() => {
    const device = { deviceId: 'usb-camera', groupId: 'usb', kind: 'videoinput', label: 'USB camera', toJSON: () => ({}) };
    (window as unknown as { deviceState: { added: unknown[] } }).deviceState.added.push(device);
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  });
  await expect(cameraPicker.locator('option', { hasText: 'USB camera' })).toHaveCount(1);
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});
