/**
 * The relay benchmark's window into a server process, through Node's inspector (Chrome DevTools
 * Protocol over a WebSocket): the heap after a full GC (the memory test) and a CPU profile of exactly
 * the measured window (`PROFILE=N`), summarised as self time per function per unit of work.
 */
import { once } from 'node:events';
import WebSocket from 'ws';

export class InspectorSession {
  private lastId = 0;

  private constructor(private readonly socket: WebSocket) {}

  static async open(url: string): Promise<InspectorSession> {
    const socket = new WebSocket(url);
    await once(socket, 'open');
    return new InspectorSession(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const id = ++this.lastId;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (message.id !== id) return;
        this.socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      this.socket.on('message', onMessage);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** JavaScript heap in use right after a full GC. */
export async function heapUsedAfterGc(url: string): Promise<number> {
  const session = await InspectorSession.open(url);
  try {
    // Twice, with a pause for finalizers between: what a FinalizationRegistry holds (Node's
    // AbortSignal.timeout keeps its timer in one, and the Redis client arms one per command) is freed
    // only by a collection after its finalizer ran. One collection left 9.7 or 12.4 KB per connection
    // with Redis from run to run, depending on whether the finalizers had run before it.
    await session.call('HeapProfiler.collectGarbage');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await session.call('HeapProfiler.collectGarbage');
    return (await session.call('Runtime.getHeapUsage')).usedSize as number;
  } finally {
    session.close();
  }
}

/** V8's CPU profile as the inspector returns it (the parts read here). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Sampling every 100 us: 10x V8's default, enough samples for sub-microsecond shares per message. */
const SAMPLING_INTERVAL_US = 100;

/** Starts profiling each process; the returned function stops them and gives their profiles. */
export async function startProfiling(urls: string[]): Promise<() => Promise<CpuProfile[]>> {
  const sessions = await Promise.all(urls.map((url) => InspectorSession.open(url)));
  const closeAll = () => {
    for (const session of sessions) session.close();
  };
  try {
    for (const session of sessions) {
      await session.call('Profiler.enable');
      await session.call('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await session.call('Profiler.start');
    }
  } catch (error) {
    closeAll();
    throw error;
  }
  return async () => {
    try {
      return await Promise.all(sessions.map(async (session) => (await session.call('Profiler.stop')).profile as CpuProfile));
    } finally {
      closeAll();
    }
  };
}

export interface ProfileSummary {
  /** Microseconds per unit the processes were busy (anything but V8's idle marker). */
  busy: number;
  /** The functions with the most self time, microseconds per unit, most first. */
  top: { name: string; self: number }[];
}

/** `functionName file:line` with the file's last two path segments (`(garbage collector)` and the like stay bare). */
function frameName({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']): string {
  const name = functionName || '(anonymous)';
  if (!url) return name;
  return `${name} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
}

/**
 * Self time per function over whole profiles, divided by `units` (messages, deliveries, connections):
 * each sample is charged the time until the next one, as V8's own tools do.
 */
export function summarise(profiles: CpuProfile[], units: number, topCount: number): ProfileSummary {
  const self = new Map<string, number>();
  let busy = 0;
  for (const profile of profiles) {
    const names = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
    for (let i = 0; i < profile.samples.length; i++) {
      const name = names.get(profile.samples[i]!)!;
      const microseconds = profile.timeDeltas[i + 1] ?? 0;
      if (name === '(idle)') continue;
      busy += microseconds;
      self.set(name, (self.get(name) ?? 0) + microseconds);
    }
  }
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([name, microseconds]) => ({ name, self: microseconds / units }));
  return { busy: busy / units, top };
}
