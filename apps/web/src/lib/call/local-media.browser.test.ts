import { afterEach, describe, expect, it } from 'vitest';
import { LocalMedia } from './local-media.js';

let media: LocalMedia | undefined;

afterEach(() => media?.stop());

describe('LocalMedia in a real browser (fake camera)', () => {
  it('captures the camera smaller and larger again on the same track, and knows its full size', async () => {
    media = new LocalMedia();
    await media.start();
    const track = media.tracks.camera!;
    expect(media.cameraFullSize).toEqual({ width: 640, height: 480 });
    await media.setCameraCaptureSize({ width: 320, height: 240 });
    expect(track.getSettings()).toMatchObject({ width: 320, height: 240 });
    expect(media.tracks.camera).toBe(track);
    await media.setCameraCaptureSize({ width: 480, height: 360 });
    expect(track.getSettings()).toMatchObject({ width: 480, height: 360 });
    await media.setCameraCaptureSize({ width: 640, height: 480 });
    expect(track.getSettings()).toMatchObject({ width: 640, height: 480 });
    // Still the camera's full size, whatever it captures now.
    expect(media.cameraFullSize).toEqual({ width: 640, height: 480 });
  });
});
