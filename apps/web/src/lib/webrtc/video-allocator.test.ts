import { describe, expect, it } from 'vitest';
import { allocateVideo, CpuGovernor, MIN_CAMERA_BITRATE, type LinkDemand, type ViewHint } from './video-allocator.js';

const VGA = { width: 640, height: 480 };
const tile = (width: number, height = Math.round((width * 9) / 16), priority: ViewHint['priority'] = 'normal'): ViewHint => ({ width, height, priority });
const link = (id: string, camera: LinkDemand['camera'], extra: Partial<LinkDemand> = {}): LinkDemand => ({ id, camera, screen: null, ...extra });

describe('allocateVideo', () => {
  it('sends each receiver the size it shows: a small tile gets a scaled-down camera, a large one the full picture', () => {
    const { links } = allocateVideo({ links: [link('big', tile(1280)), link('small', tile(320))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('big')!.camera).toMatchObject({ active: true, scaleResolutionDownBy: 1 });
    const small = links.get('small')!.camera;
    expect(small.active).toBe(true);
    // 640x480 covering a 320x180 tile: 2x smaller.
    expect(small.scaleResolutionDownBy).toBe(2);
    expect(small.maxBitrate).toBeLessThan(links.get('big')!.camera.maxBitrate);
    expect(small.maxFramerate).toBeLessThanOrEqual(20);
  });

  it('covers a tall (phone) tile: the height decides', () => {
    const { links } = allocateVideo({ links: [link('phone', tile(180, 340))], capture: { camera: VGA }, cpuStep: 0 });
    // 480 / 340 = 1.412, rounded up (the width would allow 3.5x, but then the picture would not fill the height).
    expect(links.get('phone')!.camera.scaleResolutionDownBy).toBe(1.42);
  });

  it('never sends a picture larger than the tile asks for, whatever its size', () => {
    for (let width = 100; width <= 700; width += 7) {
      const hint = tile(width);
      const scale = allocateVideo({ links: [link('a', hint)], capture: { camera: VGA }, cpuStep: 0 }).links.get('a')!.camera.scaleResolutionDownBy;
      const sent = { width: Math.floor(640 / scale), height: Math.floor(480 / scale) };
      expect(scale === 1 || sent.width <= hint.width || sent.height <= hint.height, `${width}px tile got ${sent.width}x${sent.height}`).toBe(true);
    }
  });

  it('stops encoding for a receiver that shows none of it (off page, hidden tab), and keeps the others', () => {
    const { links } = allocateVideo({ links: [link('hidden', null), link('shown', tile(640))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('hidden')!.camera).toMatchObject({ active: false, paused: 'hidden' });
    expect(links.get('shown')!.camera.active).toBe(true);
  });

  it('assumes a mid-size tile until a receiver reports', () => {
    const { links } = allocateVideo({ links: [link('new', undefined)], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('new')!.camera).toMatchObject({ active: true, scaleResolutionDownBy: 1 });
  });

  it('asks the camera for the largest size any receiver wants, not more', () => {
    const { cameraWanted } = allocateVideo({ links: [link('a', tile(320)), link('b', tile(480)), link('c', null)], capture: { camera: VGA }, cpuStep: 0 });
    expect(cameraWanted).toEqual({ width: 480, height: 270 });
  });

  it('a pinned or speaking person is sent at a higher frame rate than the rest', () => {
    const { links } = allocateVideo({ links: [link('pin', tile(640, 360, 'high')), link('grid', tile(640))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('pin')!.camera.maxFramerate).toBeGreaterThan(links.get('grid')!.camera.maxFramerate);
  });

  it('CPU steps cost frames first, then pixels, and say so', () => {
    const at = (cpuStep: number) => allocateVideo({ links: [link('a', tile(640))], capture: { camera: VGA }, cpuStep });
    const steps = [0, 1, 2, 3].map((step) => at(step).links.get('a')!.camera);
    expect(steps[1]!.maxFramerate).toBeLessThan(steps[0]!.maxFramerate);
    expect(steps[1]!.scaleResolutionDownBy).toBe(steps[0]!.scaleResolutionDownBy);
    expect(steps[2]!.scaleResolutionDownBy).toBeGreaterThan(steps[1]!.scaleResolutionDownBy);
    expect(steps[3]!.maxFramerate).toBeLessThanOrEqual(10);
    expect(at(0).limitedBy).toBe('none');
    expect(at(2).limitedBy).toBe('cpu');
  });

  it('splits a tight uplink by priority: screens first, then the pinned/speaking, the rest share; the result fits', () => {
    const links = [
      link('a', tile(640, 360, 'high'), { screen: tile(1920, 1080, 'high') }),
      link('b', tile(640)),
      link('c', tile(640)),
    ];
    const uplinkBitrate = 2_400_000;
    const { links: out, limitedBy } = allocateVideo({ links, capture: { camera: VGA, screen: { width: 1920, height: 1080 } }, cpuStep: 0, uplinkBitrate });
    expect(limitedBy).toBe('bandwidth');
    expect(out.get('a')!.screen).toMatchObject({ active: true, maxBitrate: 1_500_000 });
    const total = [...out.values()].reduce((sum, l) => sum + (l.camera.active ? l.camera.maxBitrate : 0) + (l.screen.active ? l.screen.maxBitrate : 0), 0);
    expect(total).toBeLessThanOrEqual(uplinkBitrate);
    expect(out.get('a')!.camera.maxBitrate).toBeGreaterThanOrEqual(out.get('b')!.camera.maxBitrate);
    expect(out.get('b')!.camera.maxBitrate).toBe(out.get('c')!.camera.maxBitrate);
  });

  it('fewer bits than a size needs shrink the picture rather than smear it', () => {
    const { links } = allocateVideo({ links: [link('a', tile(1280), { availableBitrate: 200_000 })], capture: { camera: VGA }, cpuStep: 0 });
    const camera = links.get('a')!.camera;
    expect(camera.maxBitrate).toBeLessThanOrEqual(170_000);
    expect(camera.scaleResolutionDownBy).toBeGreaterThan(1.3);
  });

  it('pauses the video (not the audio) to a receiver that not even the smallest video can reach', () => {
    const { links, limitedBy } = allocateVideo({ links: [link('far', tile(640), { availableBitrate: 60_000 }), link('near', tile(640), { availableBitrate: 3_000_000 })], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('far')!.camera).toMatchObject({ active: false, paused: 'bandwidth' });
    expect(links.get('near')!.camera.active).toBe(true);
    expect(limitedBy).toBe('bandwidth');
    expect(MIN_CAMERA_BITRATE).toBeGreaterThan(60_000 * 0.85);
  });

  it('sends nothing of a source that is off', () => {
    const { links, cameraWanted } = allocateVideo({ links: [link('a', tile(640))], capture: {}, cpuStep: 0 });
    expect(links.get('a')!.camera.active).toBe(false);
    expect(links.get('a')!.screen.active).toBe(false);
    expect(cameraWanted).toBeUndefined();
  });
});

describe('CpuGovernor', () => {
  it('steps down after 2 s of CPU limitation, up again only after 10 s without', () => {
    const governor = new CpuGovernor();
    expect(governor.update(true, 0)).toBe(0);
    expect(governor.update(true, 1_999)).toBe(0);
    expect(governor.update(true, 2_000)).toBe(1);
    expect(governor.update(true, 4_000)).toBe(2);
    expect(governor.update(false, 5_000)).toBe(2);
    expect(governor.update(false, 14_999)).toBe(2);
    expect(governor.update(false, 15_000)).toBe(1);
    // A short CPU blip does not undo the recovery clock's progress... it restarts it.
    expect(governor.update(true, 16_000)).toBe(1);
    expect(governor.update(false, 17_000)).toBe(1);
    expect(governor.update(false, 27_000)).toBe(0);
    for (let t = 30_000; t < 60_000; t += 1_000) governor.update(true, t);
    expect(governor.step).toBe(3);
  });
});
