import { describe, expect, it } from 'vitest';
import { classifyMediaError, devicesOfKind, resolveDevice } from './devices.js';

const device = (kind: MediaDeviceKind, deviceId: string, label = ''): MediaDeviceInfo =>
  ({ kind, deviceId, label, groupId: 'g', toJSON: () => ({}) }) as MediaDeviceInfo;

describe('resolveDevice', () => {
  const devices = [
    device('audioinput', 'default', 'Default'),
    device('audioinput', 'mic-2', 'USB mic'),
    device('videoinput', 'cam-1', 'Front'),
    device('videoinput', 'cam-2', 'Back'),
  ];

  it('keeps the chosen device while it is present', () => {
    expect(resolveDevice('mic-2', devices, 'audioinput')).toBe('mic-2');
    expect(resolveDevice('cam-2', devices, 'videoinput')).toBe('cam-2');
  });

  it('falls back to the default device when the chosen one was removed', () => {
    expect(resolveDevice('unplugged', devices, 'audioinput')).toBe('default');
  });

  it('falls back to the first device when there is no default entry', () => {
    expect(resolveDevice('unplugged', devices, 'videoinput')).toBe('cam-1');
    expect(resolveDevice(undefined, devices, 'videoinput')).toBe('cam-1');
  });

  it('gives undefined when no device of that kind exists', () => {
    expect(resolveDevice('x', devices, 'audiooutput')).toBeUndefined();
  });
});

describe('devicesOfKind', () => {
  it('labels unnamed devices and skips hidden ones', () => {
    const list = devicesOfKind([device('videoinput', ''), device('videoinput', 'a'), device('videoinput', 'b', 'Back')], 'videoinput');
    expect(list).toEqual([
      { deviceId: 'a', label: 'Camera 1' },
      { deviceId: 'b', label: 'Back' },
    ]);
  });
});

describe('classifyMediaError', () => {
  it('maps getUserMedia errors to problems', () => {
    expect(classifyMediaError(new DOMException('x', 'NotAllowedError'))).toBe('denied');
    expect(classifyMediaError(new DOMException('x', 'NotFoundError'))).toBe('not-found');
    expect(classifyMediaError(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(classifyMediaError(new Error('other'))).toBe('failed');
    expect(classifyMediaError('weird')).toBe('failed');
  });
});
