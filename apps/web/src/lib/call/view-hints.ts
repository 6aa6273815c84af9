import type { ViewHintMessage } from '@meshmeet/protocol';

export type ViewedSource = 'camera' | 'screen';
export type View = Record<ViewedSource, ViewHintMessage | null>;

/** Rendered widths are reported in steps, so a window being resized does not send a hint per pixel. */
export const WIDTH_STEPS = [160, 240, 320, 480, 640, 960, 1280, 1920, 2560, 3840, 7680] as const;

/** The smallest step at or above `width` (device pixels). */
export function stepUp(width: number): number {
  return WIDTH_STEPS.find((step) => step >= width) ?? 7_680;
}

/** A tile's size in device pixels, in steps (the height keeps the tile's shape). */
export function steppedHint(cssWidth: number, cssHeight: number, pixelRatio: number, priority: ViewHintMessage['priority']): ViewHintMessage | null {
  if (cssWidth < 1 || cssHeight < 1) return null;
  const width = stepUp(Math.ceil(cssWidth * pixelRatio));
  const height = Math.max(1, Math.min(4_320, Math.ceil((width * cssHeight) / cssWidth)));
  return { width, height, priority };
}

const sameHint = (a: ViewHintMessage | null, b: ViewHintMessage | null) =>
  a === b || (a !== null && b !== null && a.width === b.width && a.height === b.height && a.priority === b.priority);

interface Watched {
  participantId: string;
  source: ViewedSource;
  priority: ViewHintMessage['priority'];
  width: number;
  height: number;
  onScreen: boolean;
}

/**
 * Watches the tiles that show remote videos and tells each sender how its videos are shown here:
 * the largest on-screen tile per video in device pixels (stepped), or `null` when none is visible
 * (scrolled away, another page of the grid, a hidden tab). Debounced; sends only changes.
 */
export class ViewReporter {
  private readonly watched = new Map<Element, Watched>();
  private readonly sent = new Map<string, View>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly resizes: ResizeObserver | undefined;
  private readonly intersections: IntersectionObserver | undefined;
  private readonly onVisibility = () => this.scheduleAll();

  constructor(
    private readonly send: (participantId: string, view: View) => void,
    private readonly debounceMs = 300,
  ) {
    if (typeof ResizeObserver === 'undefined' || typeof IntersectionObserver === 'undefined') return;
    this.resizes = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const watched = this.watched.get(entry.target);
        if (!watched) continue;
        watched.width = entry.contentRect.width;
        watched.height = entry.contentRect.height;
        this.schedule(watched.participantId);
      }
    });
    this.intersections = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const watched = this.watched.get(entry.target);
        if (!watched) continue;
        watched.onScreen = entry.isIntersecting;
        this.schedule(watched.participantId);
      }
    });
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  /** Starts watching a tile of `participantId`'s `source`; the returned function stops it. */
  observe(participantId: string, source: ViewedSource, element: HTMLElement, priority: ViewHintMessage['priority']): () => void {
    const rect = element.getBoundingClientRect();
    this.watched.set(element, { participantId, source, priority, width: rect.width, height: rect.height, onScreen: true });
    this.resizes?.observe(element);
    this.intersections?.observe(element);
    this.schedule(participantId);
    return () => {
      this.watched.delete(element);
      this.resizes?.unobserve(element);
      this.intersections?.unobserve(element);
      this.schedule(participantId);
    };
  }

  /** What this page shows of `participantId`'s videos right now. */
  viewOf(participantId: string): View {
    const view: View = { camera: null, screen: null };
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return view;
    const ratio = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
    for (const watched of this.watched.values()) {
      if (watched.participantId !== participantId || !watched.onScreen) continue;
      const hint = steppedHint(watched.width, watched.height, ratio, watched.priority);
      const current = view[watched.source];
      if (!hint) continue;
      if (!current || hint.width > current.width || (hint.width === current.width && hint.priority === 'high')) view[watched.source] = hint;
    }
    return view;
  }

  /** Sends the current view again (a new data channel: the sender knows nothing yet). */
  resend(participantId: string): void {
    this.sent.delete(participantId);
    this.flush(participantId);
  }

  forget(participantId: string): void {
    clearTimeout(this.timers.get(participantId));
    this.timers.delete(participantId);
    this.sent.delete(participantId);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.resizes?.disconnect();
    this.intersections?.disconnect();
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
  }

  private scheduleAll(): void {
    const ids = new Set([...this.watched.values()].map((w) => w.participantId));
    for (const id of this.sent.keys()) ids.add(id);
    for (const id of ids) this.schedule(id);
  }

  private schedule(participantId: string): void {
    if (this.timers.has(participantId)) return;
    this.timers.set(
      participantId,
      setTimeout(() => {
        this.timers.delete(participantId);
        this.flush(participantId);
      }, this.debounceMs),
    );
  }

  private flush(participantId: string): void {
    const view = this.viewOf(participantId);
    const last = this.sent.get(participantId);
    if (last && sameHint(last.camera, view.camera) && sameHint(last.screen, view.screen)) return;
    this.sent.set(participantId, view);
    this.send(participantId, view);
  }
}
