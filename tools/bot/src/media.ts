import { readFileSync } from 'node:fs';

/**
 * The bot's test media, pre-encoded (see assets/README.md): werift moves RTP but does not encode, so
 * the bot loops a VP8 test pattern and an Opus tone, packetized here.
 */

export interface VideoFrame {
  data: Buffer;
  keyframe: boolean;
}

/** Frames of an IVF file (VP8): a 32-byte file header, then a 12-byte header before each frame. */
export function parseIvf(file: Buffer): { width: number; height: number; fps: number; frames: VideoFrame[] } {
  if (file.toString('ascii', 0, 4) !== 'DKIF' || file.toString('ascii', 8, 12) !== 'VP80') throw new Error('not a VP8 IVF file');
  const headerSize = file.readUInt16LE(6);
  const width = file.readUInt16LE(12);
  const height = file.readUInt16LE(14);
  const rate = file.readUInt32LE(16);
  const scale = file.readUInt32LE(20);
  const frames: VideoFrame[] = [];
  let offset = headerSize;
  while (offset + 12 <= file.length) {
    const size = file.readUInt32LE(offset);
    const data = file.subarray(offset + 12, offset + 12 + size);
    if (data.length < size) break;
    // VP8 frame tag: bit 0 of the first byte is 0 for a key frame (RFC 6386, 9.1).
    frames.push({ data, keyframe: (data[0]! & 0x01) === 0 });
    offset += 12 + size;
  }
  return { width, height, fps: scale > 0 ? rate / scale : 20, frames };
}

/** Opus packets of an Ogg Opus file, without its two header packets (OpusHead, OpusTags). */
export function parseOggOpus(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= file.length) {
    if (file.toString('ascii', offset, offset + 4) !== 'OggS') throw new Error('not an Ogg file');
    const segments = file[offset + 26]!;
    const table = file.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const lacing of table) {
      partial.push(file.subarray(body, body + lacing));
      body += lacing;
      // A lacing value below 255 ends a packet; 255 continues it in the next segment.
      if (lacing < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    offset = body;
  }
  return packets.filter((packet) => !packet.subarray(0, 8).equals(Buffer.from('OpusHead')) && !packet.subarray(0, 8).equals(Buffer.from('OpusTags')));
}

/**
 * RTP payloads for one VP8 frame (RFC 7741): a one-byte payload descriptor on each, with the start
 * bit on the first; at most `maxPayload` bytes each so every packet fits a typical path MTU.
 */
export function vp8Payloads(frame: Buffer, maxPayload = 1_100): Buffer[] {
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < frame.length; offset += maxPayload - 1) {
    const descriptor = Buffer.from([offset === 0 ? 0x10 : 0x00]);
    payloads.push(Buffer.concat([descriptor, frame.subarray(offset, offset + maxPayload - 1)]));
  }
  return payloads;
}

const asset = (name: string) => readFileSync(new URL(`../assets/${name}`, import.meta.url));

export function testPattern() {
  return parseIvf(asset('test-pattern.ivf'));
}

export function testTone(): Buffer[] {
  return parseOggOpus(asset('test-tone.ogg'));
}
