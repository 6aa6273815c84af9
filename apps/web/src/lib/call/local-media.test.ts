import { describe, expect, it } from 'vitest';
import { LocalMedia } from './local-media.js';

/** A browser whose person blocked both camera and microphone. */
function blockedDevices(): MediaDevices {
  const refuse = () => Promise.reject(Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }));
  return {
    getUserMedia: refuse,
    enumerateDevices: () => Promise.resolve([]),
    addEventListener: () => {},
    removeEventListener: () => {},
  } as unknown as MediaDevices;
}

describe('LocalMedia with blocked devices', () => {
  it('reports each blocked device, and turning the camera off still tells the UI', async () => {
    const media = new LocalMedia({}, blockedDevices());
    await media.start();
    expect(media.problems.camera).toMatch(/camera/i);
    expect(media.problems.mic).toMatch(/microphone/i);
    let changes = 0;
    media.on('change', () => changes++);
    await media.setCameraOn(false);
    expect(media.cameraOn).toBe(false);
    expect(changes).toBe(1);
    expect(media.state).toEqual({ mic: false, camera: false, screen: false });
  });
});
