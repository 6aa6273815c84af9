/**
 * Which video codec each link prefers. In a mesh every browser encodes one copy of its camera per
 * link and decodes one stream per link, so the codec's CPU cost multiplies with the room. Measured on
 * the project's 2-core machine with `bench:codecs` (docs/benchmarks.md): H.264 costs 0.67x VP8's browser CPU at 640x480
 * and 0.77x at 320x240 (encoding about half the time per frame); VP9 and AV1 cost as much as VP8 or more.
 *
 * The preference only orders what both ends support: the answer keeps the first codec of the offer
 * that the answerer has, so a link to a browser without H.264 (Firefox without its OpenH264 plugin)
 * negotiates VP8, which every browser has. Nothing else changes per link.
 */
export const VIDEO_CODEC_PREFERENCE = ['video/h264', 'video/vp8', 'video/vp9', 'video/av1'] as const;

/**
 * The browser's video codecs reordered by `VIDEO_CODEC_PREFERENCE`: the H.264 profile every browser
 * decodes (constrained baseline, packetization-mode 1) first among the H.264 variants. Repair and
 * redundancy entries (RTX, RED, FEC) and unknown codecs keep their order after the primary ones, so
 * retransmission still works for whichever codec wins.
 */
export function preferredVideoCodecs<C extends { mimeType: string; sdpFmtpLine?: string | undefined }>(codecs: readonly C[]): C[] {
  const rank = (codec: C) => {
    const index = (VIDEO_CODEC_PREFERENCE as readonly string[]).indexOf(codec.mimeType.toLowerCase());
    if (index === -1) return VIDEO_CODEC_PREFERENCE.length;
    if (codec.mimeType.toLowerCase() !== 'video/h264') return index;
    const fmtp = codec.sdpFmtpLine ?? '';
    const baseline = /profile-level-id=42e0/i.test(fmtp) && /packetization-mode=1/.test(fmtp);
    return index + (baseline ? 0 : 0.5);
  };
  // Array.prototype.sort is stable: equal ranks keep the browser's order.
  return [...codecs].sort((a, b) => rank(a) - rank(b));
}
