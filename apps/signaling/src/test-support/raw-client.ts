import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A socket.io client written by hand on a plain TCP socket, the way an attacker would: it writes
 * WebSocket frames itself, so several socket.io packets can go out in ONE TCP write, a request can be
 * followed by an immediate reset, and it can stop reading while the server keeps sending.
 */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private nextAck = 1;
  private readonly acks = new Map<number, (payload: unknown) => void>();
  readonly events: [string, unknown][] = [];
  private connected!: () => void;
  readonly ready = new Promise<void>((resolve) => (this.connected = resolve));
  readonly closed: Promise<void>;

  private constructor(private readonly tcp: Socket) {
    this.closed = new Promise((resolve) => tcp.once('close', () => resolve()));
    tcp.on('data', (chunk: Buffer) => this.onData(chunk));
    tcp.on('error', () => {});
  }

  static async open(url: string, origin = url): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const tcp = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => tcp.once('connect', resolve).once('error', reject));
    const client = new RawClient(tcp);
    tcp.write(
      [
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Origin: ${origin}`,
        '',
        '',
      ].join('\r\n'),
    );
    await Promise.race([
      client.ready,
      client.closed.then(() => {
        throw new Error('connection refused');
      }),
    ]);
    return client;
  }

  /** socket.io EVENT packets with ack ids, all in one TCP write. Resolves with each reply (or undefined). */
  emitTogether(...messages: [event: string, payload: unknown][]): Promise<unknown>[] {
    const replies: Promise<unknown>[] = [];
    const frames = messages.map(([event, payload]) => {
      const id = this.nextAck++;
      replies.push(
        new Promise((resolve) => {
          this.acks.set(id, resolve);
          void this.closed.then(() => resolve(undefined));
        }),
      );
      return frame(`42${id}${JSON.stringify([event, payload])}`);
    });
    this.tcp.write(Buffer.concat(frames));
    return replies;
  }

  emit(event: string, payload: unknown): Promise<unknown> {
    return this.emitTogether([event, payload])[0]!;
  }

  /** Writes the packets and resets the connection in the same tick: the server reads them from a dead socket. */
  emitAndDrop(...messages: [event: string, payload: unknown][]): void {
    void this.emitTogether(...messages);
    this.tcp.resetAndDestroy();
  }

  /** Stops reading: what the server sends piles up in its buffers (and the kernel's). */
  stopReading(): void {
    this.tcp.pause();
  }

  close(): void {
    this.tcp.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!this.buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) {
        this.tcp.destroy();
        return;
      }
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    for (;;) {
      const parsed = readFrame(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.length);
      if (parsed.opcode === 0x1) this.onPacket(parsed.payload.toString());
      if (parsed.opcode === 0x8) this.tcp.destroy();
    }
  }

  private onPacket(text: string): void {
    if (text.startsWith('0')) this.tcp.write(frame('40')); // engine.io open -> socket.io connect
    else if (text === '2') this.tcp.write(frame('3')); // ping -> pong
    else if (text.startsWith('40')) this.connected();
    else if (text.startsWith('43')) {
      const match = /^43(\d+)(.*)$/s.exec(text);
      if (!match) return;
      const [reply] = JSON.parse(match[2]!) as unknown[];
      this.acks.get(Number(match[1]))?.(reply);
      this.acks.delete(Number(match[1]));
    } else if (text.startsWith('42')) {
      const [event, payload] = JSON.parse(text.slice(2)) as [string, unknown];
      this.events.push([event, payload]);
    }
  }
}

/** A masked client-to-server text frame (RFC 6455 5.2). */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { opcode, payload: buffer.subarray(offset, offset + length), length: offset + length };
}
