import { CLIENT_EVENTS, type ClientEventName } from '@meshmeet/protocol';
import { Decoder, type Packet, PacketType } from 'socket.io-parser';
import { type BucketSpec, TokenBucket } from '../limits/rate-limit.js';

/** What the parser tells the server about a connection's packets that never reach a handler. */
export interface ParserPolicy {
  /** Packets of event names the protocol does not have: this many in a burst, then a steady trickle. */
  unknownEvents: BucketSpec;
  /** An unknown event was dropped (it reaches no handler). */
  onUnknownEvent(): void;
  /** The connection sent more unknown events than its budget: it is closed. */
  onUnknownEventFlood(): void;
}

/** Names socket.io gives a meaning of its own; a client sending one breaks the protocol (socket.io-parser's list). */
const RESERVED_EVENTS = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

const isClientEvent = (name: unknown): name is ClientEventName => typeof name === 'string' && Object.hasOwn(CLIENT_EVENTS, name);

/**
 * socket.io's packet encoding as this server uses it. The wire format is socket.io-parser's
 * (`<type>[<namespace>,][<ack id>]<JSON>`), so every socket.io client speaks to it unchanged; this
 * server never sends binary payloads, so the encoder does not walk every payload looking for buffers
 * (socket.io-parser's `hasBinary`).
 */
export class SignalingEncoder {
  encode(packet: Packet): string[] {
    let text = String(packet.type);
    if (packet.nsp !== undefined && packet.nsp !== '/') text += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) text += String(packet.id);
    if (packet.data !== undefined && packet.data !== null) text += JSON.stringify(packet.data);
    return [text];
  }
}

/** Thrown for anything that is not a well-formed packet; socket.io then closes the connection. */
export class PacketRefused extends Error {}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * One per connection (socket.io creates a decoder for each). Text packets, which is everything a
 * meshmeet client sends, are decoded here; a packet with binary attachments (which the protocol never
 * has) is left to socket.io-parser, so it reaches its handler and is refused like any malformed message.
 * Events the protocol does not name are dropped before socket.io dispatches them, within a
 * per-connection budget past which the connection is closed: a client cannot make the server do any
 * per-event work for names no handler serves.
 */
export abstract class SignalingDecoder extends Decoder {
  /** Made on the first unknown event: most connections never send one. */
  private unknownEvents?: TokenBucket;
  /** Binary attachments socket.io-parser still expects for the packet it is reassembling. */
  private attachmentsPending = 0;

  protected constructor(private readonly policy: ParserPolicy) {
    super();
  }

  override add(data: unknown): void {
    if (typeof data !== 'string' || this.attachmentsPending > 0 || isBinaryPacket(data)) return this.addBinary(data);
    const packet = decodeText(data);
    if (packet.type === PacketType.EVENT && !isClientEvent((packet.data as unknown[])[0])) {
      this.policy.onUnknownEvent();
      const now = Date.now();
      this.unknownEvents ??= new TokenBucket(this.policy.unknownEvents, now);
      if (this.unknownEvents.take(now)) return;
      this.policy.onUnknownEventFlood();
      throw new PacketRefused('too many unknown events');
    }
    this.emitReserved('decoded', packet);
  }

  /** socket.io-parser's own handling (attachment limits, order checks), for the packets that carry binary. */
  private addBinary(data: unknown): void {
    super.add(data);
    if (typeof data === 'string') this.attachmentsPending = Number(/^\d(\d+)-/.exec(data)?.[1] ?? 0);
    else this.attachmentsPending -= 1;
  }
}

const isBinaryPacket = (text: string) => {
  const type = text.charCodeAt(0) - DIGIT_0;
  return type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK;
};

/** The parser object socket.io's `parser` option takes, with `policy` applied to every connection. */
export function signalingParser(policy: ParserPolicy): { Encoder: typeof SignalingEncoder; Decoder: new () => SignalingDecoder } {
  return {
    Encoder: SignalingEncoder,
    Decoder: class extends SignalingDecoder {
      constructor() {
        super(policy);
      }
    },
  };
}

/** socket.io-parser's text decoding (same acceptance) of a packet without attachments. */
export function decodeText(text: string): Packet {
  const type = text.charCodeAt(0) - DIGIT_0;
  // CONNECT_ERROR is sent by servers only; binary packets are decoded by socket.io-parser.
  if (type !== PacketType.CONNECT && type !== PacketType.DISCONNECT && type !== PacketType.EVENT && type !== PacketType.ACK) {
    throw new PacketRefused(`packet type ${text.charAt(0)} is not accepted`);
  }
  let at = 1;
  let nsp = '/';
  if (text.charAt(at) === '/') {
    const comma = text.indexOf(',', at);
    const end = comma === -1 ? text.length : comma;
    nsp = text.slice(at, end);
    at = end + 1;
  }
  let id: number | undefined;
  const idStart = at;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code < DIGIT_0 || code > DIGIT_9) break;
    at += 1;
  }
  if (at > idStart) id = Number(text.slice(idStart, at));
  const packet: Packet = { type, nsp };
  if (id !== undefined) packet.id = id;
  if (at < text.length) {
    let data: unknown;
    try {
      data = JSON.parse(text.slice(at));
    } catch {
      throw new PacketRefused('invalid payload');
    }
    if (!isPayloadValid(type, data)) throw new PacketRefused('invalid payload');
    packet.data = data;
  } else if (type === PacketType.EVENT || type === PacketType.ACK) {
    throw new PacketRefused('invalid payload');
  }
  return packet;
}

function isPayloadValid(type: PacketType, payload: unknown): boolean {
  switch (type) {
    case PacketType.CONNECT:
      return typeof payload === 'object' && payload !== null && !Array.isArray(payload);
    case PacketType.DISCONNECT:
      return false;
    case PacketType.EVENT:
      return Array.isArray(payload) && (typeof payload[0] === 'number' || (typeof payload[0] === 'string' && !RESERVED_EVENTS.has(payload[0])));
    default:
      return Array.isArray(payload);
  }
}
