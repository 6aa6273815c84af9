import {
  HeldMessages,
  JoinResponseSchema,
  PROTOCOL_VERSION,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type JoinResult,
  type MediaState,
  type Participant,
  type ServerEventName,
  type ServerToClientEvents,
  type Source,
} from '@meshmeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { RtpHeader, RtpPacket } from 'werift';
import { testPattern, testTone, vp8Payloads } from './media.js';
import { Peer } from './peer.js';

/** `pattern`: sends a moving VP8 test pattern and a 440 Hz tone; `echo`: sends each person their own camera and microphone back; `listen`: receive-only. */
export type BotMode = 'pattern' | 'echo' | 'listen';

export interface BotOptions {
  /** A room link: `https://host/r/<room>` (the server is the link's origin). */
  link: string;
  name: string;
  mode: BotMode;
  /** Extra host addresses for ICE (127.0.0.1 where only loopback exists). */
  hostAddresses?: string[];
  log?: (message: string) => void;
}

/** A room link's server and room id. */
export function parseRoomLink(link: string): { origin: string; roomId: string } {
  const url = new URL(link);
  const match = /^\/r\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) throw new Error(`not a room link (expected https://host/r/<room>): ${link}`);
  return { origin: url.origin, roomId: decodeURIComponent(match[1]!) };
}

const VIDEO_CLOCK = 90_000;
const AUDIO_FRAME_MS = 20;

/**
 * A meshmeet participant that is not a browser, built only on `@meshmeet/protocol` and werift: it
 * joins a room link, sends a test pattern (or echoes, or only listens), receives everyone, answers
 * peer pings, and leaves cleanly.
 */
export class Bot {
  readonly peers = new Map<string, Peer>();
  readonly names = new Map<string, string>();
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private self: JoinResult | undefined;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly log: (message: string) => void;
  /** Protocol problems seen (invalid server messages, refusals): a healthy call has none. */
  readonly problems: string[] = [];
  /** Room events that came before our join answer (the protocol's ordering rule), applied after it. */
  private early: (() => void)[] | undefined = [];
  /** Signals from participants not introduced yet (bounded per sender, in senders and in time), applied when they are. */
  private readonly held = new HeldMessages<(peer: Peer) => void>();

  constructor(private readonly options: BotOptions) {
    this.log = options.log ?? ((message) => console.log(`[${options.name}] ${message}`));
  }

  get id(): string | undefined {
    return this.self?.self.id;
  }

  /** Connects, joins and starts sending; resolves with the join answer. */
  async join(): Promise<JoinResult> {
    const { origin, roomId } = parseRoomLink(this.options.link);
    // The server accepts its own origin only: a tool speaking for a person on that site sends it.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(origin, { transports: ['websocket'], extraHeaders: { origin }, reconnection: false });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(new Error(`could not reach ${origin}: ${error.message}`)));
    });
    this.listen(socket);
    const receiveOnly = this.options.mode === 'listen';
    const media: MediaState = { mic: !receiveOnly, camera: !receiveOnly, screen: false };
    const raw: unknown = await socket.timeout(10_000).emitWithAck('join', { protocol: PROTOCOL_VERSION, roomId, name: this.options.name, media, ...(receiveOnly ? { receiveOnly } : {}) });
    const answer = JoinResponseSchema.safeParse(raw);
    if (!answer.success) throw new Error('the server answered the join with something that is not the protocol');
    if (!answer.data.ok) throw new Error(`join refused: ${answer.data.error.code} (${answer.data.error.message})`);
    this.self = answer.data;
    // We are the newcomer: we offer to everyone already here; then whoever came or left meanwhile.
    for (const participant of answer.data.participants) this.addPeer(participant, true);
    for (const apply of this.early?.splice(0) ?? []) apply();
    this.early = undefined;
    if (this.options.mode === 'pattern') this.startPattern();
    if (this.options.mode === 'echo') this.timers.push(setInterval(() => this.eachPeer((peer) => peer.requestKeyFrame('camera')), 2_000));
    this.log(`joined ${roomId} as ${answer.data.self.id} with ${answer.data.participants.length} other(s)`);
    return answer.data;
  }

  /** Leaves the room (acknowledged), closes every link and the connection. */
  async leave(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const socket = this.socket;
    if (socket?.connected && this.self) await socket.timeout(2_000).emitWithAck('leave', {}).catch(() => undefined);
    await Promise.all([...this.peers.values()].map((peer) => peer.close()));
    this.peers.clear();
    socket?.disconnect();
    this.log('left');
  }

  /** What arrived from each participant so far, by name. */
  receivedFrom(): Record<string, Record<Source, { packets: number; frames: number }>> {
    return Object.fromEntries([...this.peers].map(([id, peer]) => [this.names.get(id) ?? id, peer.received]));
  }

  private listen(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    // Every server message is validated before use: the bot trusts the server no more than the server trusts it.
    const on = <E extends ServerEventName>(event: E, handle: (payload: ReturnType<(typeof SERVER_EVENTS)[E]['parse']>) => void) => {
      (socket as unknown as { on: (event: string, listener: (payload: unknown) => void) => void }).on(event, (payload) => {
        const parsed = SERVER_EVENTS[event].safeParse(payload);
        if (parsed.success) handle(parsed.data as ReturnType<(typeof SERVER_EVENTS)[E]['parse']>);
        else this.problems.push(`invalid ${event} from the server`);
      });
    };
    const afterJoin = (apply: () => void) => (this.early ? this.early.length < 64 && this.early.push(apply) : apply());
    on('participant-joined', ({ participant }) => afterJoin(() => this.addPeer(participant, false)));
    on('participant-left', ({ id }) =>
      afterJoin(() => {
        void this.peers.get(id)?.close();
        this.peers.delete(id);
        this.held.release(id);
        this.log(`${this.names.get(id) ?? id} left`);
      }),
    );
    on('participant-resumed', ({ participant }) => this.names.set(participant.id, participant.name));
    on('description', ({ from, description }) => this.toPeer(from, (peer) => void peer.handleDescription(description)));
    on('candidate', ({ from, candidate }) => this.toPeer(from, (peer) => void peer.handleCandidate(candidate)));
    on('signal-error', ({ event, code }) => this.problems.push(`server refused ${event}: ${code}`));
    on('server-shutdown', () => this.log('the server is shutting down'));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.log(`signaling lost (${reason}); links stay up`);
    });
  }

  private addPeer(participant: Participant, initiator: boolean): void {
    const self = this.self?.self.id;
    if (!self || participant.id === self || this.peers.has(participant.id)) return;
    this.names.set(participant.id, participant.name);
    const socket = this.socket!;
    const peer = new Peer({
      remoteId: participant.id,
      polite: self < participant.id,
      initiator,
      iceServers: this.self!.iceServers,
      iceTransportPolicy: this.self!.iceTransportPolicy,
      hostAddresses: this.options.hostAddresses ?? [],
      sendDescription: (description) => socket.emit('description', { to: participant.id, description }),
      sendCandidate: (candidate) => socket.emit('candidate', { to: participant.id, candidate }),
      onRtp: (source, packet) => {
        // Echo: what this person sends comes straight back to them, on the same source.
        if (this.options.mode === 'echo' && source !== 'screen') peer.sendRtp(source, packet.clone());
      },
      onMessage: (message) => {
        if (message.type === 'chat') this.log(`chat from ${participant.name}: ${message.text}`);
      },
      log: this.log,
    });
    this.peers.set(participant.id, peer);
    for (const apply of this.held.release(participant.id)) apply(peer);
  }

  private toPeer(from: string, apply: (peer: Peer) => void): void {
    const peer = this.peers.get(from);
    if (peer) return apply(peer);
    this.held.hold(from, apply);
  }

  private eachPeer(act: (peer: Peer) => void): void {
    for (const peer of this.peers.values()) act(peer);
  }

  /** The looped test pattern (VP8, 20 fps) and tone (Opus, 20 ms), the same packets to every link. */
  private startPattern(): void {
    const pattern = testPattern();
    const frameMs = 1_000 / pattern.fps;
    let frame = 0;
    let videoSequence = Math.floor(Math.random() * 0xffff);
    let videoTimestamp = Math.floor(Math.random() * 0xffffffff);
    this.timers.push(
      setInterval(() => {
        const payloads = vp8Payloads(pattern.frames[frame % pattern.frames.length]!.data);
        frame += 1;
        videoTimestamp = (videoTimestamp + VIDEO_CLOCK / pattern.fps) >>> 0;
        payloads.forEach((payload, index) => {
          videoSequence = (videoSequence + 1) & 0xffff;
          const header = new RtpHeader({ payloadType: 96, sequenceNumber: videoSequence, timestamp: videoTimestamp, marker: index === payloads.length - 1 });
          this.eachPeer((peer) => peer.sendRtp('camera', new RtpPacket(header, payload).clone()));
        });
      }, frameMs),
    );
    const tone = testTone();
    let packet = 0;
    let audioSequence = Math.floor(Math.random() * 0xffff);
    let audioTimestamp = Math.floor(Math.random() * 0xffffffff);
    this.timers.push(
      setInterval(() => {
        audioSequence = (audioSequence + 1) & 0xffff;
        audioTimestamp = (audioTimestamp + 48 * AUDIO_FRAME_MS) >>> 0;
        const header = new RtpHeader({ payloadType: 111, sequenceNumber: audioSequence, timestamp: audioTimestamp, marker: false });
        const payload = tone[packet++ % tone.length]!;
        this.eachPeer((peer) => peer.sendRtp('mic', new RtpPacket(header, payload).clone()));
      }, AUDIO_FRAME_MS),
    );
  }
}
