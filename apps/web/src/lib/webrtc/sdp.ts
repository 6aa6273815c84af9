/**
 * The few SDP edits this client makes, as pure functions over the SDP text.
 */

/**
 * Opus parameters every link asks its peer to send with: discontinuous transmission (a silent or muted
 * microphone sends a packet every 400 ms instead of 50 a second: in a mesh most people are silent most
 * of the time, and every packet costs each receiver a decode) and in-band forward error correction (a
 * lost packet is rebuilt from the next one, so short losses do not become clicks).
 *
 * In SDP these are receiver preferences (RFC 7587 section 7): a browser's Opus encoder honours the
 * `usedtx` and `useinbandfec` of the *remote* description. So each side adds them to the description
 * it receives, which sets its own encoder for that link; no description we send is changed.
 */
export const OPUS_RECEIVER_PREFERENCES: Readonly<Record<string, string>> = { usedtx: '1', useinbandfec: '1' };

/** Sets Opus's `a=fmtp` parameters (adding the line if the section has none); every other line is kept. */
export function withOpusParameters(sdp: string, parameters: Readonly<Record<string, string>> = OPUS_RECEIVER_PREFERENCES): string {
  const newline = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(newline);
  const payloadTypes = new Set<string>();
  for (const line of lines) {
    const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
    if (match) payloadTypes.add(match[1]!);
  }
  if (payloadTypes.size === 0) return sdp;
  const withFmtp = new Set<string>();
  const edited = lines.map((line) => {
    const match = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (!match || !payloadTypes.has(match[1]!)) return line;
    withFmtp.add(match[1]!);
    const present = new Map<string, string>();
    for (const pair of match[2]!.split(';')) {
      const [key, ...value] = pair.trim().split('=');
      if (key) present.set(key, value.join('='));
    }
    for (const [key, value] of Object.entries(parameters)) present.set(key, value);
    return `a=fmtp:${match[1]} ${[...present].map(([key, value]) => `${key}=${value}`).join(';')}`;
  });
  const parameterText = Object.entries(parameters)
    .map(([key, value]) => `${key}=${value}`)
    .join(';');
  return edited
    .flatMap((line) => {
      const match = /^a=rtpmap:(\d+) opus\/48000/i.exec(line);
      return match && !withFmtp.has(match[1]!) ? [line, `a=fmtp:${match[1]} ${parameterText}`] : [line];
    })
    .join(newline);
}
