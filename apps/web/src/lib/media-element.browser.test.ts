import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { togglePictureInPicture } from './media-element.js';

/** A canvas stream that sends no frame until `draw` is called: a remote video whose sender has not resumed yet. */
function pausedSource(): { track: MediaStreamTrack; draw: () => void } {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0]!;
  return {
    track,
    draw: () => {
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#3a6';
      context.fillRect(0, 0, canvas.width, canvas.height);
      (track as CanvasCaptureMediaStreamTrack).requestFrame();
    },
  };
}

/** A video element in the page and a button whose click (a real, trusted one) asks for picture-in-picture. */
function tile(track: MediaStreamTrack, firstFrameWithinMs: number): { video: HTMLVideoElement; button: HTMLButtonElement; result: Promise<boolean> } {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.srcObject = new MediaStream([track]);
  const button = document.createElement('button');
  button.textContent = 'Picture-in-picture';
  document.body.append(video, button);
  let settle!: (value: boolean) => void;
  const result = new Promise<boolean>((resolve) => (settle = resolve));
  button.addEventListener('click', () => void togglePictureInPicture(video, firstFrameWithinMs).then(settle));
  return { video, button, result };
}

afterEach(async () => {
  if (document.pictureInPictureElement) await document.exitPictureInPicture();
  document.body.replaceChildren();
});

describe('togglePictureInPicture in a real browser', () => {
  it('waits for the first frame of a video shown a moment ago, then takes it into picture-in-picture', async () => {
    const source = pausedSource();
    const { video, button, result } = tile(source.track, 3_000);
    expect(video.readyState).toBe(HTMLMediaElement.HAVE_NOTHING);
    await userEvent.click(button);
    // The sender resumes after the click: asked right away, Chromium would refuse ("Metadata ... not loaded yet").
    setTimeout(source.draw, 400);
    expect(await result).toBe(true);
    expect(document.pictureInPictureElement).toBe(video);

    // A second click takes it out again.
    const left = new Promise<void>((resolve) => video.addEventListener('leavepictureinpicture', () => resolve(), { once: true }));
    await userEvent.click(button);
    await left;
    expect(document.pictureInPictureElement).toBeNull();
  });

  it('gives up quietly when no frame comes in time', async () => {
    const source = pausedSource();
    const { button, result } = tile(source.track, 300);
    await userEvent.click(button);
    expect(await result).toBe(false);
    expect(document.pictureInPictureElement).toBeNull();
  });
});
