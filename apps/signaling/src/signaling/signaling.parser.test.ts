import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder as ReferenceDecoder, Encoder as ReferenceEncoder, type Packet, PacketType } from 'socket.io-parser';
import { decodeText, SignalingEncoder, signalingParser, type ParserPolicy } from './signaling.parser.js';

const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const eventName = fc.oneof(fc.constantFrom('join', 'candidate', 'description', 'media-state', 'hand', 'leave'), fc.string({ maxLength: 12 }));
const nsp = fc.oneof(fc.constant('/'), fc.constant('/admin'), fc.string({ maxLength: 8 }).map((s) => `/${s.replace(/,/g, '')}`));
const id = fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined });

/** Packets any socket.io client could send or any socket.io server could emit, without binary. */
const packet: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ type: fc.constant(PacketType.EVENT), nsp, id, data: fc.tuple(eventName, json).map(([name, payload]) => [name, payload]) }),
  fc.record({ type: fc.constant(PacketType.ACK), nsp, id: fc.nat({ max: 1_000_000 }), data: fc.array(json, { maxLength: 2 }) }),
  fc.record({ type: fc.constant(PacketType.CONNECT), nsp, data: fc.option(fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 3 }), { nil: undefined }) }),
  fc.record({ type: fc.constant(PacketType.DISCONNECT), nsp }),
);

const withoutUndefined = (p: Packet) => JSON.parse(JSON.stringify(p)) as unknown;

/** What socket.io-parser makes of a text frame: the packet, or that it refused it. */
function referenceDecode(text: string): unknown {
  const decoder = new ReferenceDecoder();
  let decoded: unknown = 'refused';
  decoder.on('decoded', (p: Packet) => (decoded = withoutUndefined(p)));
  try {
    decoder.add(text);
  } catch {
    return 'refused';
  }
  return decoded;
}

function ourDecode(text: string): unknown {
  try {
    return withoutUndefined(decodeText(text));
  } catch {
    return 'refused';
  }
}

const quietPolicy = (overrides: Partial<ParserPolicy> = {}): ParserPolicy => ({
  unknownEvents: { capacity: 3, refillPerSecond: 0 },
  onUnknownEvent: () => {},
  onUnknownEventFlood: () => {},
  ...overrides,
});

describe('signalingParser: socket.io-parser wire format', () => {
  it('encodes every non-binary packet exactly as socket.io-parser does', () => {
    const reference = new ReferenceEncoder();
    const ours = new SignalingEncoder();
    fc.assert(
      fc.property(packet, (p) => {
        expect(ours.encode(p)).toEqual(reference.encode(p));
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes what socket.io clients send exactly as socket.io-parser does', () => {
    const encoder = new ReferenceEncoder();
    fc.assert(
      fc.property(packet, (p) => {
        const [text] = encoder.encode(p) as [string];
        // CONNECT_ERROR aside (servers send it), the same packet or the same refusal.
        expect(ourDecode(text)).toEqual(referenceDecode(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses every mangled frame socket.io-parser refuses', () => {
    const encoder = new ReferenceEncoder();
    const mangled = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(packet, fc.nat({ max: 40 }), fc.string({ maxLength: 4 })).map(([p, at, insert]) => {
        const [text] = encoder.encode(p) as [string];
        return text.slice(0, at) + insert + text.slice(at + insert.length);
      }),
    );
    fc.assert(
      fc.property(mangled, (text) => {
        const reference = referenceDecode(text);
        if (reference === 'refused') expect(ourDecode(text)).toBe('refused');
        // Stricter only for what no socket.io client sends: frames that are not how socket.io encodes
        // the packet (socket.io-parser reads an empty frame as CONNECT, and " " as acknowledgement id 0),
        // server-only CONNECT_ERROR, and events or acknowledgements without a payload.
        else if (ourDecode(text) === 'refused') {
          const { type, data } = reference as Packet;
          const canonical = (encoder.encode(reference as Packet) as string[])[0] === text;
          expect(!canonical || type === PacketType.CONNECT_ERROR || ((type === PacketType.EVENT || type === PacketType.ACK) && data === undefined)).toBe(true);
        }
        else expect(ourDecode(text)).toEqual(reference);
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves packets with binary attachments to socket.io-parser, which reassembles them', () => {
    const { Decoder } = signalingParser(quietPolicy());
    const decoder = new Decoder();
    const decoded: Packet[] = [];
    decoder.on('decoded', (p: Packet) => decoded.push(p));
    decoder.add('51-["join",{"_placeholder":true,"num":0}]');
    expect(decoded).toEqual([]);
    decoder.add(Buffer.from('abc'));
    expect(decoded).toMatchObject([{ type: PacketType.EVENT, data: ['join', Buffer.from('abc')] }]);
    decoder.add('2["leave",{}]');
    expect(decoded).toHaveLength(2);

    // A text packet while an attachment is awaited breaks socket.io's protocol, as in socket.io-parser.
    const interrupted = new Decoder();
    interrupted.add('51-["join",{"_placeholder":true,"num":0}]');
    expect(() => interrupted.add('2["leave",{}]')).toThrow();
  });
});

describe('signalingParser: events the protocol does not name', () => {
  it('drops them before dispatch, then closes a connection that keeps sending them', () => {
    let dropped = 0;
    let floods = 0;
    const { Decoder } = signalingParser(quietPolicy({ onUnknownEvent: () => (dropped += 1), onUnknownEventFlood: () => (floods += 1) }));
    const decoder = new Decoder();
    const decoded: Packet[] = [];
    decoder.on('decoded', (p: Packet) => decoded.push(p));
    for (const name of ['admin', 'error', 'constructor']) decoder.add(`2${JSON.stringify([name, {}])}`);
    expect(() => decoder.add('2[42,{}]')).toThrow('too many unknown events');
    expect(dropped).toBe(4);
    expect(decoded).toEqual([]);
    expect(floods).toBe(1);
    // Known events still pass, and the budget is per connection.
    decoder.add('2["candidate",{}]');
    expect(decoded).toHaveLength(1);
    expect(() => decoder.add('2["nope",{}]')).toThrow('too many unknown events');
    const other = new Decoder();
    expect(() => other.add('2["nope",{}]')).not.toThrow();
  });
});
