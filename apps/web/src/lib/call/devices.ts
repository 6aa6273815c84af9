export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

/** Lists the devices of one kind with readable labels (labels are empty before permission is granted). */
export function devicesOfKind(devices: readonly MediaDeviceInfo[], kind: DeviceKind): DeviceOption[] {
  const names: Record<DeviceKind, string> = { audioinput: 'Microphone', videoinput: 'Camera', audiooutput: 'Speaker' };
  return devices
    .filter((device) => device.kind === kind && device.deviceId !== '')
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `${names[kind]} ${index + 1}` }));
}

/**
 * The device to use for a kind: the chosen one while it exists; otherwise the system default
 * (Chromium lists it as "default"), otherwise the first one; undefined when there is none.
 */
export function resolveDevice(
  chosenId: string | undefined,
  devices: readonly MediaDeviceInfo[],
  kind: DeviceKind,
): string | undefined {
  const ofKind = devices.filter((device) => device.kind === kind && device.deviceId !== '');
  if (chosenId !== undefined && ofKind.some((device) => device.deviceId === chosenId)) return chosenId;
  return (ofKind.find((device) => device.deviceId === 'default') ?? ofKind[0])?.deviceId;
}

export type MediaProblem = 'denied' | 'not-found' | 'busy' | 'failed';

/** Maps getUserMedia's DOMException names to what we tell the person. */
export function classifyMediaError(error: unknown): MediaProblem {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'not-found';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'failed';
}

export function describeProblem(kind: 'camera' | 'microphone', problem: MediaProblem): string {
  switch (problem) {
    case 'denied':
      return `Access to your ${kind} is blocked. Allow it in the browser's address bar and reload to use it.`;
    case 'not-found':
      return `No ${kind} was found.`;
    case 'busy':
      return `Your ${kind} is in use by another application.`;
    default:
      return `Your ${kind} could not be started.`;
  }
}
