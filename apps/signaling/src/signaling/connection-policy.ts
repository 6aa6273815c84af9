import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on WebSocket and CORS
 * requests and a page cannot forge it, so a browser may connect only from this server's own origin
 * (same host as the request) or a configured one. Clients without `Origin` are not browsers and
 * cannot carry a victim's session, so they are let through to the other limits.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return host !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The client's address; X-Forwarded-For is believed only when a trusted proxy is configured. */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
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
