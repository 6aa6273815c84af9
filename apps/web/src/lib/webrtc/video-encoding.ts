/**
 * In a mesh every sender uploads one copy of its video per remote participant and decodes one
 * stream per remote participant, so bandwidth and CPU grow with the room. The resolution, frame rate
 * and bitrate of each copy shrink as the room grows, keeping a call of 6-8 smooth on ordinary laptops
 * and uplinks. (Measured on a 2-core machine: CPU, not bandwidth, is the first limit; resolution and
 * frame rate are what relieve it.)
 */
export interface VideoEncoding {
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

export function videoEncodingFor(remoteParticipants: number): VideoEncoding {
  if (remoteParticipants <= 1) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (remoteParticipants === 2) return { maxBitrate: 900_000, scaleResolutionDownBy: 1, maxFramerate: 24 };
  if (remoteParticipants <= 4) return { maxBitrate: 500_000, scaleResolutionDownBy: 1.5, maxFramerate: 20 };
  return { maxBitrate: 300_000, scaleResolutionDownBy: 2, maxFramerate: 15 };
}

/**
 * A shared screen is sent for legibility: full resolution kept over frame rate, at most 15 frames a
 * second, with its own bitrate cap (the track's `contentHint` is 'detail').
 */
export const SCREEN_ENCODING: VideoEncoding & { degradationPreference: RTCDegradationPreference } = {
  maxBitrate: 1_500_000,
  scaleResolutionDownBy: 1,
  maxFramerate: 15,
  degradationPreference: 'maintain-resolution',
};
