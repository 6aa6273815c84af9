/**
 * Shows `track` in a media element, replacing the stream only when the track changed. With no track
 * the element gets no stream at all: one holding a stream without tracks never loads and keeps the
 * document's load event pending (the tab spins forever).
 */
export function attachTrack(element: HTMLMediaElement, track: MediaStreamTrack | null): void {
  const current = (element.srcObject as MediaStream | null)?.getTracks()[0] ?? null;
  if (current !== track) element.srcObject = track ? new MediaStream([track]) : null;
}
