import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyAddr from 'proxy-addr';
import type { TrustedProxies } from '../config/config.schema.js';

/**
 * The origins browsers may connect from: the configured public URL, or in development (no
 * PUBLIC_URL) the address the server listens on, plus ALLOWED_ORIGINS. Compared exactly (scheme,
 * host and port), never with the request's own Host header, which a DNS-rebinding page controls.
 */
export function allowedOrigins(publicUrl: string | undefined, extra: readonly string[], listeningPort: number): Set<string> {
  const own = publicUrl !== undefined
    ? [publicUrl]
    : ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${listeningPort}`);
  return new Set([...own, ...extra]);
}

/**
 * Cross-site WebSocket hijacking and cross-site request defence. A browser request must carry an
 * allowed `Origin`. Browsers leave `Origin` out of same-origin GETs (long-polling) but then send
 * `Sec-Fetch-Site: same-origin`, which no page can forge; a foreign page's `no-cors` request has
 * neither. Non-browser clients send an allowed `Origin` like any other client.
 */
export function isOriginAllowed(headers: IncomingMessage['headers'], allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin === undefined) return headers['sec-fetch-site'] === 'same-origin';
  return allowed.has(origin.toLowerCase());
}

type ProxyTrust = (address: string, hop: number) => boolean;

/** Trusts no proxy (the default): the client is the socket's peer, whatever X-Forwarded-For says. */
const trustNoProxy: ProxyTrust = () => false;

/** One compiled trust function per configuration, so answers can be shared between its users. */
const compiledTrust = new WeakMap<TrustedProxies, ProxyTrust>();

/** Which proxies may speak for the client; the client address is the first untrusted hop from the right. */
export function proxyTrust(trusted: TrustedProxies): ProxyTrust {
  let trust = compiledTrust.get(trusted);
  if (trust === undefined) {
    if ('hops' in trusted) {
      const { hops } = trusted;
      trust = hops === 0 ? trustNoProxy : (_address, hop) => hop < hops;
    } else {
      trust = proxyAddr.compile(trusted.addresses);
    }
    compiledTrust.set(trusted, trust);
  }
  return trust;
}

/** Addresses already read from a request: the handshake, the connection and the session each ask once. */
const resolvedAddresses = new WeakMap<IncomingMessage, { trust: ProxyTrust; address: string }>();

/** The client's address: the socket's peer, or what trusted proxies appended to X-Forwarded-For. */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  // What proxy-addr answers when no hop is trusted, without parsing X-Forwarded-For or remembering it.
  if (trust === trustNoProxy) return request.socket.remoteAddress ?? 'unknown';
  const resolved = resolvedAddresses.get(request);
  if (resolved?.trust === trust) return resolved.address;
  const address = proxyAddr(request, trust) || 'unknown';
  resolvedAddresses.set(request, { trust, address });
  return address;
}

/**
 * The key per-address budgets are kept under. One IPv6 subscriber usually holds a whole /64, so
 * IPv6 addresses count per /64; IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = address.includes('::') ? [...headParts, ...Array<string>(missing).fill('0'), ...tailParts] : headParts;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Open connections per address, for the per-IP limit. Entries disappear when they reach zero. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  hasRoom(address: string): boolean {
    return (this.open.get(address) ?? 0) < this.limit;
  }

  add(address: string): void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
  }

  remove(address: string): void {
    const count = (this.open.get(address) ?? 0) - 1;
    if (count > 0) this.open.set(address, count);
    else this.open.delete(address);
  }

  get size(): number {
    return this.open.size;
  }
}
