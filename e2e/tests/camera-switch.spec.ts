import { expect, test } from '@playwright/test';
import { closeAll, expectFullMesh, expectNoErrors, expectVideoFlowing, join, uniqueRoom, type Person } from './support.js';

function negotiationTotal(person: Person): Promise<number> {
  return person.page.evaluate(() => {
    const n = window.__meshmeet!.call.negotiations;
    return n.offersSent + n.answersSent + n.offersReceived + n.answersReceived;
  });
}

function sentVideoDevice(person: Person): Promise<(string | undefined)[]> {
  return person.page.evaluate(() =>
    [...window.__meshmeet!.call.participants.values()].map(
      (p) => p.link.pc.getSenders().find((s) => s.track?.kind === 'video')?.track?.getSettings().deviceId,
    ),
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
          [...window.__meshmeet!.call.participants.values()][0]?.link.pc
            .getSenders()
            .find((s) => s.track?.kind === 'audio')
            ?.track?.getSettings().deviceId,
      ),
    )
    .toBe(otherMic);

  expect([await negotiationTotal(ada), await negotiationTotal(bob)]).toEqual(negotiationsBefore);
  // The old camera was released.
  expect(await ada.page.evaluate(() => window.__meshmeet!.call.media.stream.getVideoTracks().length)).toBe(1);
  expectNoErrors([ada, bob]);
  await closeAll([ada, bob]);
});
