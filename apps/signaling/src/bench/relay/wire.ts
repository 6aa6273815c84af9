import { PROTOCOL_VERSION, type ClientPayload } from '@meshmeet/protocol';
import WebSocket from 'ws';

/**
 * The relay benchmark's clients: one raw WebSocket each, framing written here, so every server under
 * test is loaded by the same code and the client side costs as little as possible. Three dialects:
 * meshmeet's protocol and the anchors' minimal socket.io protocol (both engine.io 4 / socket.io 5
 * frames), and the PeerJS server's JSON messages.
 */
export type Dialect = 'meshmeet' | 'socketio' | 'peerjs';

/** What a relayed message carries: a sequence number (for latency) and its kind (the load mix). */
export interface Relayed {
  seq: number;
  kind: 'candidate' | 'sdp';
}

export interface Endpoint {
  /** The id the server (or, for PeerJS, the client) gave this endpoint; relays address it. */
  readonly id: string;
  relay(to: string, message: Relayed): void;
  /** A small state change for everyone else in the room (fan-out). */
  broadcast(): void;
  onRelay: (message: Relayed) => void;
  onBroadcast: () => void;
  /** Server refusals seen (`signal-error`, error acks): a run with any is not comparable. */
  refusals: number;
  close(): void;
}

const CANDIDATE_PAD = 'x'.repeat(150);
const SDP_BODY = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=x-padding:0123456789abcdef0123456789abcdef0123456789abcdef\r\n'.repeat(64)}`;

/** A candidate of about 250 bytes and an SDP of about 4 KB, the sequence number in the first token. */
function candidateOf(seq: number) {
  return { candidate: `candidate:${seq} 1 udp 2122260223 192.0.2.10 54321 typ host generation 0 ufrag abcd network-id 1 ${CANDIDATE_PAD}`, sdpMid: '0', sdpMLineIndex: 0 };
}
function descriptionOf(seq: number) {
  return { type: 'offer' as const, sdp: `v=0 ${seq}\r\n${SDP_BODY}` };
}
const seqOfCandidate = (candidate: { candidate: string }) => Number(candidate.candidate.slice(10, candidate.candidate.indexOf(' ')));
const seqOfDescription = (description: { sdp: string }) => Number(description.sdp.slice(4, description.sdp.indexOf('\r')));

const MEDIA = { mic: true, camera: true, screen: false };

/**
 * Opens a WebSocket; `firstMessage` settles with the first frame, listened for from the start because
 * a server's first frame can arrive with the upgrade response and be emitted right after `open`.
 */
function open(url: string, origin: string): Promise<{ ws: WebSocket; firstMessage: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Origin: origin }, perMessageDeflate: false });
    const firstMessage = new Promise<void>((resolveFirst) => ws.once('message', () => resolveFirst()));
    ws.once('open', () => resolve({ ws, firstMessage }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

/** engine.io 4 + socket.io 5 over one WebSocket: CONNECT, EVENT with optional ack id, ACK, ping/pong. */
class SocketIoEndpoint implements Endpoint {
  id = '';
  refusals = 0;
  onRelay: (message: Relayed) => void = () => {};
  onBroadcast: () => void = () => {};
  private nextAck = 1;
  private readonly acks = new Map<number, (payload: unknown) => void>();
  private connected!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.connected = resolve));

  constructor(
    private readonly ws: WebSocket,
    private readonly meshmeet: boolean,
  ) {
    ws.on('message', (data: Buffer) => this.onFrame(data.toString()));
  }

  static async connect(base: string, meshmeet: boolean): Promise<SocketIoEndpoint> {
    const { ws } = await open(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, base);
    const endpoint = new SocketIoEndpoint(ws, meshmeet);
    ws.send('40');
    await endpoint.ready;
    return endpoint;
  }

  async join(room: string): Promise<void> {
    const join: ClientPayload<'join'> = { protocol: PROTOCOL_VERSION, roomId: room, name: 'Bench', media: MEDIA };
    const reply = (await this.request('join', this.meshmeet ? join : { room })) as {
      ok?: boolean;
      self?: { id: string };
      id?: string;
    };
    const id = this.meshmeet ? reply.self?.id : reply.id;
    if (!id) throw new Error(`join refused: ${JSON.stringify(reply).slice(0, 200)}`);
    this.id = id;
  }

  relay(to: string, message: Relayed): void {
    if (!this.meshmeet) {
      const data = message.kind === 'candidate' ? { candidate: candidateOf(message.seq) } : { description: descriptionOf(message.seq) };
      this.ws.send(`42${JSON.stringify(['signal', { to, data }])}`);
      return;
    }
    // As meshmeet's client sends them: no acknowledgement asked (refusals come as `signal-error`).
    const candidate: ClientPayload<'candidate'> = { to, candidate: candidateOf(message.seq) };
    const description: ClientPayload<'description'> = { to, description: descriptionOf(message.seq) };
    const event = message.kind === 'candidate' ? ['candidate', candidate] : ['description', description];
    this.ws.send(`42${JSON.stringify(event)}`);
  }

  broadcast(): void {
    const state: ClientPayload<'media-state'> = { media: MEDIA };
    if (this.meshmeet) this.ws.send(`42${JSON.stringify(['media-state', state])}`);
    else this.ws.send(`42${JSON.stringify(['state', { data: { media: MEDIA } }])}`);
  }

  close(): void {
    this.ws.terminate();
  }

  private request(event: string, payload: unknown): Promise<unknown> {
    const id = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  private onFrame(frame: string): void {
    const type = frame[0];
    if (type === '2') {
      this.ws.send('3');
      return;
    }
    if (type !== '4') return;
    const packet = frame[1];
    if (packet === '0') {
      this.connected();
      return;
    }
    // "2" EVENT or "3" ACK, then an optional ack id, then the JSON array.
    const bracket = frame.indexOf('[');
    if (bracket < 0) return;
    const [first, second] = JSON.parse(frame.slice(bracket)) as [unknown, unknown];
    if (packet === '3') {
      const id = Number(frame.slice(2, bracket));
      const resolve = this.acks.get(id);
      if (resolve) {
        this.acks.delete(id);
        resolve(first);
      } else if ((first as { ok?: boolean } | undefined)?.ok === false) this.refusals += 1;
      return;
    }
    if (packet !== '2') return;
    const event = first as string;
    const body = second as Record<string, unknown>;
    if (event === 'candidate') this.onRelay({ seq: seqOfCandidate(body.candidate as { candidate: string }), kind: 'candidate' });
    else if (event === 'description') this.onRelay({ seq: seqOfDescription(body.description as { sdp: string }), kind: 'sdp' });
    else if (event === 'signal') {
      const data = body.data as { candidate?: { candidate: string }; description?: { sdp: string } };
      if (data.candidate) this.onRelay({ seq: seqOfCandidate(data.candidate), kind: 'candidate' });
      else if (data.description) this.onRelay({ seq: seqOfDescription(data.description), kind: 'sdp' });
    } else if (event === 'media-state' || event === 'state') this.onBroadcast();
    else if (event === 'signal-error') this.refusals += 1;
  }
}

/** The PeerJS server's protocol: the client picks its id, then JSON messages with `dst` / `src`. */
class PeerJsEndpoint implements Endpoint {
  refusals = 0;
  onRelay: (message: Relayed) => void = () => {};
  onBroadcast: () => void = () => {};

  private constructor(
    readonly id: string,
    private readonly ws: WebSocket,
  ) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: { candidate?: { candidate: string }; sdp?: { sdp: string } } };
      if (message.type === 'CANDIDATE' && message.payload?.candidate) this.onRelay({ seq: seqOfCandidate(message.payload.candidate), kind: 'candidate' });
      else if (message.type === 'OFFER' && message.payload?.sdp) this.onRelay({ seq: seqOfDescription(message.payload.sdp), kind: 'sdp' });
      else if (message.type === 'ERROR' || message.type === 'ID-TAKEN' || message.type === 'EXPIRE') this.refusals += 1;
    });
  }

  static async connect(base: string, id: string): Promise<PeerJsEndpoint> {
    const { ws, firstMessage } = await open(`${base.replace(/^http/, 'ws')}/peerjs?key=peerjs&id=${id}&token=t${id}`, base);
    const endpoint = new PeerJsEndpoint(id, ws);
    await firstMessage; // the server's OPEN
    return endpoint;
  }

  relay(to: string, message: Relayed): void {
    const payload = message.kind === 'candidate' ? { candidate: candidateOf(message.seq), type: 'media' } : { sdp: descriptionOf(message.seq), type: 'media' };
    this.ws.send(JSON.stringify({ type: message.kind === 'candidate' ? 'CANDIDATE' : 'OFFER', dst: to, payload }));
  }

  broadcast(): void {
    throw new Error('the PeerJS server has no rooms');
  }

  close(): void {
    this.ws.terminate();
  }
}

let peerJsIds = 0;

/** Connects one endpoint and puts it in `room` (PeerJS: no rooms; the id is chosen here). */
export async function connectEndpoint(dialect: Dialect, base: string, room: string): Promise<Endpoint> {
  if (dialect === 'peerjs') return PeerJsEndpoint.connect(base, `p${process.pid}x${peerJsIds++}`);
  const endpoint = await SocketIoEndpoint.connect(base, dialect === 'meshmeet');
  await endpoint.join(room);
  return endpoint;
}
