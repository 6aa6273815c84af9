import { afterEach, describe, expect, it } from 'vitest';
import { DATA_CHANNEL, SOURCE_KIND, SOURCES, type PeerMessage, type Source } from '@meshmeet/protocol';
import { createLogger } from '../log.js';
import { PeerLink } from './peer-link.js';

/** A canvas that keeps drawing, as a stand-in camera or screen. */
function canvasTrack(width: number, height: number, color: string): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  let frame = 0;
  const draw = () => {
    context.fillStyle = color;
    context.fillRect(0, 0, width, height);
    context.fillStyle = '#fff';
    context.fillRect((frame += 7) % width, 10, 40, 40);
  };
  draw();
  const timer = setInterval(draw, 50);
  const track = canvas.captureStream(20).getVideoTracks()[0]!;
  track.addEventListener('ended', () => clearInterval(timer));
  cleanups.push(() => {
    clearInterval(timer);
    track.stop();
  });
  return track;
}

function toneTrack(): MediaStreamTrack {
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const destination = context.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  cleanups.push(() => void context.close());
  return destination.stream.getAudioTracks()[0]!;
}

type Tracks = Record<Source, MediaStreamTrack | null>;

interface End {
  link: PeerLink;
  tracks: Tracks;
  received: { source: Source; track: MediaStreamTrack }[];
  messages: PeerMessage[];
  negotiations: number;
  offersSent: number;
}

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * Two PeerLinks wired back to back: what one sends to "the server" reaches the other, in order,
 * unless `deliver` says otherwise (to lose messages as an outage would).
 */
function pair(options: { aInitiates?: boolean; bInitiates?: boolean; deliver?: () => boolean; latency?: (from: string) => number; firstOfferWaitMs?: number } = {}): [End, End] {
  const ends: End[] = [];
  const make = (name: string, id: string, otherId: string, initiator: boolean, tracks: Tracks): End => {
    // What one side sends arrives in order (as through the server), after the latency of that moment.
    let inOrder = Promise.resolve();
    const relay = (deliver: () => void) => {
      if (options.deliver?.() === false) return;
      const latency = options.latency?.(name) ?? 0;
      if (latency === 0) return deliver();
      const due = performance.now() + latency;
      inOrder = inOrder.then(() => new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))).then(deliver);
    };
    const end: End = {
      tracks,
      received: [],
      messages: [],
      negotiations: 0,
      offersSent: 0,
      link: new PeerLink({
        remoteId: otherId,
        polite: id < otherId,
        iceServers: [],
        initiator,
        ...(options.firstOfferWaitMs !== undefined ? { firstOfferWaitMs: options.firstOfferWaitMs } : {}),
        localTrack: (source) => tracks[source],
        sendDescription: (description) => relay(() => void ends.find((e) => e !== end)!.link.handleDescription(description)),
        sendCandidate: (candidate) => relay(() => void ends.find((e) => e !== end)!.link.handleCandidate(candidate)),
        log: createLogger(`test:${name}`),
      }),
    };
    end.link.on('track', (received) => end.received.push(received));
    end.link.on('message', (message) => end.messages.push(message));
    end.link.on('negotiation', ({ direction, type }) => {
      end.negotiations += 1;
      if (direction === 'sent' && type === 'offer') end.offersSent += 1;
    });
    cleanups.push(() => end.link.close());
    ends.push(end);
    return end;
  };
  const a = make('a', 'participant-a', 'participant-b', options.aInitiates ?? true, { mic: toneTrack(), camera: canvasTrack(320, 240, '#c00'), screen: null });
  const b = make('b', 'participant-b', 'participant-a', options.bInitiates ?? false, { mic: toneTrack(), camera: canvasTrack(320, 240, '#00c'), screen: null });
  return [a, b];
}

const until = async (condition: () => boolean | Promise<boolean>, what: string, ms = 10_000) => {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const connected = (end: End) => until(() => end.link.connectionState === 'connected' && end.link.channelOpen, 'a connected link with an open data channel');

/** Frames decoded on `end`'s link for the track it received for `source`. */
async function framesDecoded(end: End, source: Source): Promise<number> {
  const trackId = end.received.find((r) => r.source === source)?.track.id;
  let frames = 0;
  (await end.link.pc.getStats()).forEach((stat: Record<string, unknown>) => {
    if (stat.type === 'inbound-rtp' && stat.trackIdentifier === trackId) frames = Number(stat.framesDecoded ?? 0);
  });
  return frames;
}

const flowing = async (end: End, source: Source) => {
  await until(async () => (await framesDecoded(end, source)) > 0, `${source} frames`);
  const before = await framesDecoded(end, source);
  await until(async () => (await framesDecoded(end, source)) > before + 3, `more ${source} frames`);
};

/** Sources of the associated transceivers, by media section order, and their kinds. */
const layout = (link: PeerLink) =>
  link.pc
    .getTransceivers()
    .filter((t) => t.mid !== null && t.currentDirection !== 'stopped')
    .map((t) => t.receiver.track.kind);

describe('PeerLink in a real browser', () => {
  it('offers one transceiver per source in the fixed order plus the data channel; the answerer maps them by position', async () => {
    const [a, b] = pair();
    await Promise.all([connected(a), connected(b)]);
    const offer = a.link.pc.localDescription!.sdp;
    expect([...offer.matchAll(/^m=(\w+)/gm)].map((m) => m[1])).toEqual(['audio', 'video', 'video', 'application']);
    expect(layout(a.link)).toEqual(SOURCES.map((s) => SOURCE_KIND[s]));
    expect(layout(b.link)).toEqual(SOURCES.map((s) => SOURCE_KIND[s]));
    // Each side received one track per source, of the right kind.
    for (const end of [a, b]) {
      expect(end.received.map((r) => r.source).sort()).toEqual([...SOURCES].sort());
      for (const { source, track } of end.received) expect(track.kind).toBe(SOURCE_KIND[source]);
    }
    await flowing(b, 'camera');
    await flowing(a, 'camera');
    // One offer and one answer, nothing more.
    expect([a.negotiations, b.negotiations]).toEqual([2, 2]);
  });

  it('starts and stops a screen with replaceTrack only: no renegotiation, the other side decodes it', async () => {
    const [a, b] = pair();
    await Promise.all([connected(a), connected(b)]);
    const before = [a.negotiations, b.negotiations];
    const screen = canvasTrack(1280, 720, '#0a0');
    a.tracks.screen = screen;
    await a.link.replaceTrack('screen', screen);
    await flowing(b, 'screen');
    let width = 0;
    (await b.link.pc.getStats()).forEach((stat: Record<string, unknown>) => {
      if (stat.type === 'inbound-rtp' && stat.trackIdentifier === b.received.find((r) => r.source === 'screen')?.track.id) width = Number(stat.frameWidth);
    });
    expect(width).toBe(1280);
    // Sent for legibility: at most 15 fps, resolution kept.
    const parameters = a.link.pc.getTransceivers()[2]!.sender.getParameters();
    expect(parameters.encodings[0]).toMatchObject({ maxFramerate: 15, maxBitrate: 1_500_000 });
    a.tracks.screen = null;
    await a.link.replaceTrack('screen', null);
    expect(a.link.pc.getTransceivers()[2]!.sender.track).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([a.negotiations, b.negotiations]).toEqual(before);
    await flowing(b, 'camera');
  });

  it('carries valid peer messages both ways over the data channel', async () => {
    const [a, b] = pair();
    await Promise.all([connected(a), connected(b)]);
    expect(a.link.send({ v: 1, type: 'ping', nonce: 'from-a' })).toBe(true);
    expect(b.link.send({ v: 1, type: 'pong', nonce: 'from-b' })).toBe(true);
    await until(() => a.messages.length === 1 && b.messages.length === 1, 'both messages');
    expect(b.messages).toEqual([{ v: 1, type: 'ping', nonce: 'from-a' }]);
    expect(a.messages).toEqual([{ v: 1, type: 'pong', nonce: 'from-b' }]);
    // An invalid message is not sent at all.
    expect(a.link.send({ v: 1, type: 'ping', nonce: 'x'.repeat(100) })).toBe(false);
  });

  it('holds messages sent before the data channel opens and delivers them in order', async () => {
    const [a, b] = pair();
    // Right after the links are made, before any negotiation has finished.
    for (let i = 0; i < 3; i++) expect(a.link.send({ v: 1, type: 'ping', nonce: `early-${i}` })).toBe(true);
    await Promise.all([connected(a), connected(b)]);
    await until(() => b.messages.length === 3, 'the early messages');
    expect(b.messages.map((m) => (m.type === 'ping' ? m.nonce : ''))).toEqual(['early-0', 'early-1', 'early-2']);
  });

  it('drops (and counts) invalid, oversized and binary peer messages from a hostile peer, and keeps working', async () => {
    // The hostile side is a raw RTCPeerConnection speaking the protocol by hand.
    const raw = new RTCPeerConnection();
    cleanups.push(() => raw.close());
    for (const source of SOURCES) raw.addTransceiver(SOURCE_KIND[source], { direction: 'sendrecv' });
    const channel = raw.createDataChannel(DATA_CHANNEL.label, { negotiated: true, id: DATA_CHANNEL.id });
    const messages: PeerMessage[] = [];
    const link = new PeerLink({
      remoteId: 'hostile',
      polite: true,
      iceServers: [],
      initiator: false,
      localTrack: () => null,
      sendDescription: (description) => void raw.setRemoteDescription(description),
      sendCandidate: (candidate) => void raw.addIceCandidate(candidate).catch(() => {}),
      log: createLogger('test:victim'),
    });
    cleanups.push(() => link.close());
    link.on('message', (message) => messages.push(message));
    raw.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) void link.handleCandidate(candidate.toJSON() as never);
    });
    await raw.setLocalDescription();
    await link.handleDescription({ type: 'offer', sdp: raw.localDescription!.sdp });
    await until(() => channel.readyState === 'open' && link.channelOpen, 'the data channel');
    channel.send('{not json');
    channel.send(JSON.stringify({ v: 1, type: 'html', body: '<img src=x onerror=alert(1)>' }));
    channel.send(JSON.stringify({ v: 1, type: 'ping', nonce: 'n'.repeat(17_000) }));
    channel.send(new Uint8Array([1, 2, 3]));
    channel.send(JSON.stringify({ v: 1, type: 'ping', nonce: 'still-fine' }));
    await until(() => messages.length === 1, 'the valid message');
    expect(messages).toEqual([{ v: 1, type: 'ping', nonce: 'still-fine' }]);
    expect(link.droppedMessages).toEqual({ not_text: 1, too_large: 1, not_json: 1, invalid: 1 });
  });

  it('resolves glare when both sides offer at once: three transceivers each, mapped alike, media flows', async () => {
    const [a, b] = pair({ aInitiates: true, bInitiates: true });
    await Promise.all([connected(a), connected(b)]);
    await until(() => a.link.pc.signalingState === 'stable' && b.link.pc.signalingState === 'stable', 'stable signaling');
    expect(layout(a.link)).toEqual(['audio', 'video', 'video']);
    expect(layout(b.link)).toEqual(['audio', 'video', 'video']);
    await flowing(a, 'camera');
    await flowing(b, 'camera');
    expect(b.link.send({ v: 1, type: 'ping', nonce: 'after-glare' })).toBe(true);
    await until(() => a.messages.length === 1, 'a message after glare');
  });

  it('repairs a first offer that never comes: the waiting side offers after the wait, and the link works', async () => {
    // Neither side is the newcomer (as with a client that never offers): b, waiting, offers after 300 ms.
    const [a, b] = pair({ aInitiates: false, bInitiates: false, firstOfferWaitMs: 300 });
    await Promise.all([connected(a), connected(b)]);
    expect(a.offersSent + b.offersSent).toBeGreaterThanOrEqual(1);
    expect(layout(a.link)).toEqual(['audio', 'video', 'video']);
    expect(layout(b.link)).toEqual(['audio', 'video', 'video']);
    await flowing(a, 'camera');
    await flowing(b, 'camera');
  });

  it('repairs a late first offer safely: the offers cross, one wins, three transceivers each, media flows', async () => {
    // Everything a sends takes 800 ms at first, so b gives up waiting after 200 ms and offers too; a is
    // polite (its id sorts first): it rolls its own offer back and answers b's.
    const slowUntil = performance.now() + 600;
    const [a, b] = pair({ firstOfferWaitMs: 200, latency: (from) => (from === 'a' && performance.now() < slowUntil ? 800 : 0) });
    await Promise.all([connected(a), connected(b)]);
    await until(() => a.link.pc.signalingState === 'stable' && b.link.pc.signalingState === 'stable', 'stable signaling');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Both offered: the offers really crossed.
    expect([a.offersSent >= 1, b.offersSent >= 1]).toEqual([true, true]);
    expect(layout(a.link)).toEqual(['audio', 'video', 'video']);
    expect(layout(b.link)).toEqual(['audio', 'video', 'video']);
    await flowing(a, 'camera');
    await flowing(b, 'camera');
    expect(a.link.send({ v: 1, type: 'ping', nonce: 'after-repair' })).toBe(true);
    await until(() => b.messages.length === 1, 'a message after the repair');
  });

  it('rolls back an offer lost in an outage and negotiates again on resync', async () => {
    let online = true;
    const [a, b] = pair({ deliver: () => online });
    await Promise.all([connected(a), connected(b)]);
    // An ICE restart offer that never arrives (the signaling connection is down).
    online = false;
    a.link.pc.restartIce();
    await until(() => a.link.pc.signalingState === 'have-local-offer', 'a dangling local offer');
    online = true;
    await a.link.resync();
    await until(() => a.link.pc.signalingState === 'stable' && b.link.pc.signalingState === 'stable', 'stable signaling after resync');
    await Promise.all([connected(a), connected(b)]);
    await flowing(b, 'camera');
  });
  it('sends Opus with DTX both ways: a muted microphone sends a few packets a second instead of 50', async () => {
    const [a, b] = pair();
    await Promise.all([connected(a), connected(b)]);
    const audioPacketsPerSecond = async (end: End) => {
      const read = async () => {
        let packets = 0;
        (await end.link.pc.getStats()).forEach((stat: Record<string, unknown>) => {
          if (stat.type === 'outbound-rtp' && stat.kind === 'audio') packets = Number(stat.packetsSent ?? 0);
        });
        return packets;
      };
      const before = await read();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return ((await read()) - before) / 2;
    };
    // A tone: one packet every 20 ms.
    expect(await audioPacketsPerSecond(a)).toBeGreaterThan(40);
    for (const end of [a, b]) end.tracks.mic!.enabled = false;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Muted (silence): Opus DTX sends a comfort-noise packet every 400 ms, on each side's encoder.
    expect(await audioPacketsPerSecond(a)).toBeLessThan(10);
    expect(await audioPacketsPerSecond(b)).toBeLessThan(10);
  });
  it('sends video with the cheapest codec both ends have (H.264 here), and retransmission stays on', async () => {
    const [a, b] = pair();
    await Promise.all([connected(a), connected(b)]);
    await flowing(b, 'camera');
    await flowing(a, 'camera');
    for (const end of [a, b]) {
      const report = await end.link.pc.getStats();
      const codecs: string[] = [];
      report.forEach((stat: Record<string, unknown>) => {
        if (stat.type === 'outbound-rtp' && stat.kind === 'video' && Number(stat.framesEncoded) > 0) {
          codecs.push(String((report.get(String(stat.codecId)) as { mimeType?: string } | undefined)?.mimeType));
        }
      });
      expect(codecs).toEqual(['video/H264']);
    }
    expect(a.link.pc.localDescription!.sdp).toMatch(/a=rtpmap:\d+ rtx\/90000/);
  });
});
