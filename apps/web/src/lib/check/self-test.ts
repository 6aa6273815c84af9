import type { IceServer } from '@meshmeet/protocol';

/**
 * The checks of the self-test page, before a call: does the camera give pictures, does the microphone
 * hear anything, does the STUN server answer, does the TURN server allocate a relay with the
 * credentials this meshmeet issues. Each ends in a verdict in plain words and what to do about it.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Verdict {
  status: CheckStatus;
  /** One sentence: what was found. */
  summary: string;
  /** What to do about it (empty when nothing needs doing). */
  advice: string;
}

const pass = (summary: string): Verdict => ({ status: 'pass', summary, advice: '' });

function deviceProblem(error: unknown, device: 'camera' | 'microphone'): Verdict {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { status: 'fail', summary: `The browser did not allow this page to use your ${device}.`, advice: `Allow the ${device} for this site (the icon in the address bar), then run the checks again.` };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return { status: 'fail', summary: `No ${device} was found.`, advice: `Plug one in or turn it on, then run the checks again. You can still join to listen and watch.` };
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return { status: 'fail', summary: `Your ${device} is busy or could not be started.`, advice: `Close other apps that may use it (another call, a recorder), then run the checks again.` };
  }
  return { status: 'fail', summary: `Your ${device} could not be opened.`, advice: 'Run the checks again; if it keeps failing, try another browser.' };
}

/** The camera gives pictures: a frame arrives within 5 s. */
export async function checkCamera(): Promise<Verdict> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true });
  } catch (error) {
    return deviceProblem(error, 'camera');
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    const size = await new Promise<{ width: number; height: number } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 5_000);
      video.addEventListener('loadeddata', () => {
        clearTimeout(timer);
        resolve({ width: video.videoWidth, height: video.videoHeight });
      });
      void video.play().catch(() => undefined);
    });
    if (!size || size.width === 0) return { status: 'fail', summary: 'Your camera opened but sent no picture.', advice: 'Check that nothing covers it and no other app holds it, then run the checks again.' };
    return pass(`Your camera works (${size.width}x${size.height}).`);
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}

/** The microphone hears something within 5 s (speak, or it is probably muted). */
export async function checkMicrophone(): Promise<Verdict> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    return deviceProblem(error, 'microphone');
  }
  const context = new AudioContext();
  try {
    // Browsers may start an audio context suspended until the person interacts with the site.
    await Promise.race([context.resume(), new Promise((resolve) => setTimeout(resolve, 500))]);
    if (context.state !== 'running') {
      return { status: 'warn', summary: 'Your microphone opened, but the browser would not let this page listen to it yet.', advice: 'Press "Run the checks again" to let it listen.' };
    }
    const analyser = context.createAnalyser();
    // About 0.7 s of sound per look, so short sounds between two looks are not missed on a busy computer.
    analyser.fftSize = 32_768;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const deadline = performance.now() + 5_000;
    // The loudest sample heard (full scale is 1): a voice or a tap reaches well above HEARD; silence does not.
    const HEARD = 0.05;
    let loudest = 0;
    while (performance.now() < deadline && loudest < HEARD) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      analyser.getFloatTimeDomainData(samples);
      for (const sample of samples) loudest = Math.max(loudest, Math.abs(sample));
    }
    if (loudest < HEARD) return { status: 'warn', summary: 'Your microphone works, but it heard nothing.', advice: 'Say something while the check runs; if the others still cannot hear you, check that it is not muted on the device or in the system settings.' };
    return pass('Your microphone works and hears you.');
  } finally {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
  }
}

interface Gathered {
  types: Set<string>;
  /** Gathering finished: every server answered or failed (a silent STUN server keeps it going for half a minute). */
  complete: boolean;
  /** `icecandidateerror` codes per server URL (701: no answer; 401: refused credentials). */
  errors: { url: string; code: number }[];
}

/** Gathers candidates with `servers` only, for up to `timeoutMs`. */
async function gather(servers: RTCIceServer[], policy: RTCIceTransportPolicy, timeoutMs = 8_000): Promise<Gathered> {
  const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy });
  const result: Gathered = { types: new Set(), complete: false, errors: [] };
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate?.type) result.types.add(candidate.type);
  });
  pc.addEventListener('icecandidateerror', (event) => {
    const error = event as RTCPeerConnectionIceErrorEvent;
    result.errors.push({ url: error.url, code: error.errorCode });
  });
  try {
    pc.createDataChannel('self-test');
    await pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState !== 'complete') return;
        result.complete = true;
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    pc.close();
  }
  return result;
}

const urlsOf = (server: IceServer) => [server.urls].flat();
const isTurn = (url: string) => /^turns?:/.test(url);

/** The STUN servers this meshmeet gives: does one answer (a server-reflexive address)? */
export async function checkStun(servers: IceServer[]): Promise<Verdict> {
  const stun = servers.flatMap((server) => urlsOf(server).filter((url) => /^stun:/.test(url)));
  if (stun.length === 0) return { status: 'skip', summary: 'This meshmeet has no STUN server.', advice: 'Calls still work between people on the same network; whoever runs this meshmeet can add one (STUN_URLS).' };
  const gathered = await gather([{ urls: stun }], 'all');
  if (gathered.types.has('srflx')) return pass('The STUN server answers: your public address can be found, so direct connections can be tried.');
  if (gathered.errors.length === 0 && gathered.complete) {
    // It answered with the address we already have (the browser drops such a candidate): no NAT in between.
    return pass('The STUN server answers, and sees this device at its own address (no address translation in between).');
  }
  return { status: 'fail', summary: 'The STUN server did not answer.', advice: 'It may be down, or a firewall blocks UDP to it (port 3478). Calls will then need the TURN relay, or work only on this network.' };
}

/** The TURN servers with the credentials this meshmeet issues: is a relay allocated? */
export async function checkTurn(servers: IceServer[]): Promise<Verdict> {
  const turn = servers.filter((server) => urlsOf(server).some(isTurn));
  if (turn.length === 0) {
    return { status: 'skip', summary: 'This meshmeet has no TURN server.', advice: 'People behind strict firewalls or mobile networks may not reach each other; whoever runs this meshmeet can add one (TURN_URLS and TURN_SECRET).' };
  }
  const gathered = await gather(turn as RTCIceServer[], 'relay');
  if (gathered.types.has('relay')) return pass('The TURN server relays for you: calls will connect even where direct connections are blocked.');
  if (gathered.errors.some((error) => error.code === 401)) {
    return { status: 'fail', summary: 'The TURN server refused the credentials this meshmeet issued.', advice: 'Tell whoever runs this meshmeet: the TURN secret of the server and of coturn differ.' };
  }
  return { status: 'fail', summary: 'The TURN server did not answer.', advice: 'It may be down, or a firewall blocks it (UDP and TCP 3478, TLS 5349). Tell whoever runs this meshmeet; calls that need a relay will fail.' };
}
