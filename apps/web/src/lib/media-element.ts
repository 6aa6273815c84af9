/**
 * Shows `track` in a media element, replacing the stream only when the track changed. With no track
 * the element gets no stream at all: one holding a stream without tracks never loads and keeps the
 * document's load event pending (the tab spins forever).
 */
export function attachTrack(element: HTMLMediaElement, track: MediaStreamTrack | null): void {
  const current = (element.srcObject as MediaStream | null)?.getTracks()[0] ?? null;
  if (current !== track) element.srcObject = track ? new MediaStream([track]) : null;
}

/**
 * How long a click on picture-in-picture waits for a video's first frame. Chromium allows the request
 * only within the click's transient activation (5 s), and refuses a video without metadata
 * ("Metadata for the video element are not loaded yet"): a tile shown again a moment ago (after full
 * screen, an unpin, another page of the grid) gets its first frame only once its sender resumes.
 */
export const PICTURE_IN_PICTURE_FIRST_FRAME_MS = 3_000;

/**
 * Takes `video` into picture-in-picture, or out of it. A video without its first frame yet is given
 * up to `firstFrameWithinMs` to get one; without it, or when the browser refuses, nothing changes and
 * this resolves `false`.
 */
export async function togglePictureInPicture(video: HTMLVideoElement, firstFrameWithinMs = PICTURE_IN_PICTURE_FIRST_FRAME_MS): Promise<boolean> {
  try {
    if (document.pictureInPictureElement === video) {
      await document.exitPictureInPicture();
      return true;
    }
    if (video.readyState === HTMLMediaElement.HAVE_NOTHING && !(await metadataWithin(video, firstFrameWithinMs))) return false;
    await video.requestPictureInPicture();
    return true;
  } catch {
    return false; // refused by the browser's policy: nothing changes on screen
  }
}

function metadataWithin(video: HTMLVideoElement, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (loaded: boolean) => {
      clearTimeout(timer);
      video.removeEventListener('loadedmetadata', onMetadata);
      resolve(loaded);
    };
    const onMetadata = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    video.addEventListener('loadedmetadata', onMetadata);
  });
}
