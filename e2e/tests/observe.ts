/**
 * What the e2e tests know about a page, observed from outside the app: an init script (run before
 * the app) records every RTCPeerConnection and WebSocket the page creates, counts descriptions, and
 * notes when each video element presents its first frame. Remote participants are matched to their
 * links through the tracks the page renders for them. The shipped app has no test hooks.
 */
export interface E2eObserver {
  pcs: RTCPeerConnection[];
  sockets: WebSocket[];
  negotiations: { offersSent: number; answersSent: number; offersReceived: number; answersReceived: number };
  closedPcs: number;
  /** First presented frame per video track id (Date.now() in the page). */
  firstFrames: Record<string, number>;
  /**
   * The link to the participant shown as `name`, found through the tracks the page renders for them
   * (their camera tile's video and their audio element).
   */
  pcOf(name: string): RTCPeerConnection | undefined;
}

declare global {
  interface Window {
    __e2e: E2eObserver;
  }
}

/** Runs in the page before the app's own scripts. */
export function installObserver(): void {
  const observer: E2eObserver = {
    pcs: [],
    sockets: [],
    negotiations: { offersSent: 0, answersSent: 0, offersReceived: 0, answersReceived: 0 },
    closedPcs: 0,
    firstFrames: {},
    pcOf(name) {
      const tile = [...document.querySelectorAll<HTMLElement>('figure.tile[data-source="camera"]:not(.self)')].find((t) => t.dataset.name === name);
      const id = tile?.dataset.participantId;
      if (!tile || !id) return undefined;
      const ids = new Set<string>();
      for (const element of [tile.querySelector('video'), document.querySelector(`audio[data-participant-id="${id}"]`)]) {
        for (const track of ((element as HTMLMediaElement | null)?.srcObject as MediaStream | null)?.getTracks() ?? []) ids.add(track.id);
      }
      return observer.pcs.find((pc) => pc.connectionState !== 'closed' && pc.getReceivers().some((receiver) => ids.has(receiver.track.id)));
    },
  };
  window.__e2e = observer;
  const NativePc = window.RTCPeerConnection;
  class ObservedPc extends NativePc {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      observer.pcs.push(this);
    }
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      await super.setLocalDescription(description);
      if (this.localDescription?.type === 'offer') observer.negotiations.offersSent += 1;
      if (this.localDescription?.type === 'answer') observer.negotiations.answersSent += 1;
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      if (description.type === 'offer') observer.negotiations.offersReceived += 1;
      if (description.type === 'answer') observer.negotiations.answersReceived += 1;
    }
    override close(): void {
      if (this.connectionState !== 'closed') observer.closedPcs += 1;
      super.close();
    }
  }
  window.RTCPeerConnection = ObservedPc;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      observer.sockets.push(this);
    }
  };
  // The first frame each video track presents, whatever element shows it.
  const watch = (video: HTMLVideoElement) => {
    const onFrame = () => {
      const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
      if (track && observer.firstFrames[track.id] === undefined) observer.firstFrames[track.id] = Date.now();
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node instanceof HTMLVideoElement) watch(node);
        else if (node instanceof Element) node.querySelectorAll('video').forEach(watch);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}
