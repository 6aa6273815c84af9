import { describe, expect, it } from 'vitest';
import { allocateVideo, CpuGovernor, MIN_CAMERA_BITRATE, PauseProbe, type LinkDemand, type ViewHint } from './video-allocator.js';

const VGA = { width: 640, height: 480 };
const tile = (width: number, height = Math.round((width * 9) / 16), priority: ViewHint['priority'] = 'normal'): ViewHint => ({ width, height, priority });
const link = (id: string, camera: LinkDemand['camera'], extra: Partial<LinkDemand> = {}): LinkDemand => ({ id, camera, screen: null, ...extra });

describe('allocateVideo', () => {
  it('sends each receiver the size it shows: a small tile gets a scaled-down camera, a large one the full picture', () => {
    const { links } = allocateVideo({ links: [link('big', tile(1280)), link('small', tile(320))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('big')!.camera).toMatchObject({ active: true, scaleResolutionDownBy: 1 });
    const small = links.get('small')!.camera;
    expect(small.active).toBe(true);
    // Sized to 3/4 of a 320x180 tile (240x135): 640 / 240 = 2.67x smaller.
    expect(small.scaleResolutionDownBy).toBe(2.67);
    expect(small.maxBitrate).toBeLessThan(links.get('big')!.camera.maxBitrate);
    expect(small.maxFramerate).toBeLessThanOrEqual(20);
  });

  it('covers a tall (phone) tile: the height decides', () => {
    const { links } = allocateVideo({ links: [link('phone', tile(180, 340))], capture: { camera: VGA }, cpuStep: 0 });
    // 3/4 of 180x340 is 135x255: 480 / 255 = 1.882, rounded up (the width alone would allow 4.7x, but then
    // the picture would not fill the height).
    expect(links.get('phone')!.camera.scaleResolutionDownBy).toBe(1.89);
  });

  it('never sends a picture larger than 3/4 of the tile, whatever its size', () => {
    for (let width = 100; width <= 700; width += 7) {
      const hint = tile(width);
      const scale = allocateVideo({ links: [link('a', hint)], capture: { camera: VGA }, cpuStep: 0 }).links.get('a')!.camera.scaleResolutionDownBy;
      const sent = { width: Math.floor(640 / scale), height: Math.floor(480 / scale) };
      expect(scale === 1 || sent.width <= hint.width * 0.75 || sent.height <= hint.height * 0.75, `${width}px tile got ${sent.width}x${sent.height}`).toBe(true);
    }
  });

  it('stops encoding for a receiver that shows none of it (off page, hidden tab), and keeps the others', () => {
    const { links } = allocateVideo({ links: [link('hidden', null), link('shown', tile(640))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('hidden')!.camera).toMatchObject({ active: false, paused: 'hidden' });
    expect(links.get('shown')!.camera.active).toBe(true);
  });

  it('assumes a mid-size tile until a receiver reports', () => {
    const { links } = allocateVideo({ links: [link('new', undefined)], capture: { camera: VGA }, cpuStep: 0 });
    // 3/4 of 640x360: 480x270, so 640 / 480 = 1.34 (rounded up).
    expect(links.get('new')!.camera).toMatchObject({ active: true, scaleResolutionDownBy: 1.34 });
  });

  it('asks the camera for the largest picture any link sends, not more', () => {
    const { cameraWanted } = allocateVideo({ links: [link('a', tile(320)), link('b', tile(480)), link('c', null)], capture: { camera: VGA }, cpuStep: 0 });
    // 3/4 of the 480x270 tile covered: 640 / 1.78 x 480 / 1.78.
    expect(cameraWanted).toEqual({ width: 360, height: 270 });
  });

  it('wants the same whatever the camera captures now (so a smaller capture can grow again), within the ceiling', () => {
    const ceiling = { scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300_000 };
    const links = [link('a', tile(1280)), link('b', tile(1280))];
    const atFull = allocateVideo({ links, capture: { camera: VGA }, cpuStep: 0, ceiling });
    const atHalf = allocateVideo({ links, capture: { camera: { width: 320, height: 240 } }, cameraFull: VGA, cpuStep: 0, ceiling });
    // Five or more copies: at most half the full picture, however large the tile.
    expect(atFull.cameraWanted).toEqual({ width: 320, height: 240 });
    expect(atHalf.cameraWanted).toEqual({ width: 320, height: 240 });
    // Captured at that size already: sent as captured, not halved again.
    expect(atHalf.links.get('a')!.camera.scaleResolutionDownBy).toBe(1);
    expect(atFull.links.get('a')!.camera.scaleResolutionDownBy).toBe(2);
    // A larger tile with no ceiling wants the full camera back.
    expect(allocateVideo({ links, capture: { camera: { width: 320, height: 240 } }, cameraFull: VGA, cpuStep: 0 }).cameraWanted).toEqual(VGA);
  });

  it('a pinned or speaking person is sent at a higher frame rate than the rest', () => {
    const { links } = allocateVideo({ links: [link('pin', tile(640, 360, 'high')), link('grid', tile(640))], capture: { camera: VGA }, cpuStep: 0 });
    expect(links.get('pin')!.camera.maxFramerate).toBeGreaterThan(links.get('grid')!.camera.maxFramerate);
  });

  it('CPU steps cost pixels at every step, frames only at the last and not below 15, and say so', () => {
    const at = (cpuStep: number) => allocateVideo({ links: [link('a', tile(640))], capture: { camera: VGA }, cpuStep });
    const steps = [0, 1, 2, 3].map((step) => at(step).links.get('a')!.camera);
    expect(steps[1]!.scaleResolutionDownBy).toBeGreaterThan(steps[0]!.scaleResolutionDownBy);
    expect(steps[1]!.maxFramerate).toBe(steps[0]!.maxFramerate);
    expect(steps[2]!.scaleResolutionDownBy).toBeGreaterThan(steps[1]!.scaleResolutionDownBy);
    expect(steps[3]!.scaleResolutionDownBy).toBeGreaterThan(steps[2]!.scaleResolutionDownBy);
    // Frames only at the last step, and never below 15.
    expect(steps[2]!.maxFramerate).toBe(steps[0]!.maxFramerate);
    expect(steps[3]!.maxFramerate).toBe(15);
    expect(steps[3]!.maxFramerate).toBeLessThan(steps[2]!.maxFramerate);
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

  it('probes a paused link with a thumbnail, and says it would still pause', () => {
    const far = (probe: boolean) => allocateVideo({ links: [link('far', tile(640), { availableBitrate: 60_000, probe })], capture: { camera: VGA }, cpuStep: 0 }).links.get('far')!.camera;
    expect(far(false)).toMatchObject({ active: false, paused: 'bandwidth' });
    expect(far(true)).toMatchObject({ active: true, scaleResolutionDownBy: 4, maxFramerate: 10, maxBitrate: MIN_CAMERA_BITRATE, probing: true });
    // A link with enough budget is not affected by the probe flag.
    const near = allocateVideo({ links: [link('near', tile(640), { availableBitrate: 3_000_000, probe: true })], capture: { camera: VGA }, cpuStep: 0 });
    expect(near.links.get('near')!.camera.probing).toBeUndefined();
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

describe('frame rates by the number of copies encoded', () => {
  it('20 fps to up to three receivers, 15 from four on (each link is its own encode)', () => {
    const fps = (count: number) =>
      allocateVideo({ links: Array.from({ length: count }, (_, i) => link(`p${i}`, tile(640))), capture: { camera: VGA }, cpuStep: 0 }).links.get('p0')!.camera.maxFramerate;
    expect(fps(3)).toBe(20);
    expect(fps(4)).toBe(15);
  });
});

describe('the ceiling by number of copies', () => {
  it('never costs more than the fixed steps: a large tile in a crowded call is capped, a small one stays smaller', () => {
    const ceiling = { scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300_000 };
    const { links } = allocateVideo({ links: [link('big', tile(1280)), link('small', tile(160))], capture: { camera: VGA }, cpuStep: 0, ceiling });
    expect(links.get('big')!.camera).toMatchObject({ scaleResolutionDownBy: 2, maxFramerate: 15 });
    expect(links.get('big')!.camera.maxBitrate).toBeLessThanOrEqual(300_000);
    expect(links.get('small')!.camera.scaleResolutionDownBy).toBeGreaterThan(2);
  });
});

describe('PauseProbe', () => {
  it('probes after 8 s paused, for 4 s, then waits twice as long each time the link still cannot carry video, up to 60 s', () => {
    const probe = new PauseProbe();
    const probesAt: number[] = [];
    let probing = false;
    for (let now = 0; now <= 200_000; now += 1_000) {
      const next = probe.update(true, now);
      if (next && !probing) probesAt.push(now);
      probing = next;
    }
    // 8 s, then 4 s of probe + 16 s, + 4 + 32, + 4 + 60 (capped), ...
    expect(probesAt.slice(0, 5)).toEqual([8_000, 28_000, 64_000, 128_000, 192_000]);
  });

  it('stops probing and starts over once the link carries video again', () => {
    const probe = new PauseProbe();
    expect(probe.update(true, 0)).toBe(false);
    expect(probe.update(true, 8_000)).toBe(true);
    expect(probe.update(true, 10_000)).toBe(true);
    // The probe showed the estimate recovered: no pause wanted at its end.
    expect(probe.update(false, 12_000)).toBe(false);
    expect(probe.update(false, 20_000)).toBe(false);
    // Paused again later: the first wait is 8 s again.
    expect(probe.update(true, 30_000)).toBe(false);
    expect(probe.update(true, 37_999)).toBe(false);
    expect(probe.update(true, 38_000)).toBe(true);
  });
});
