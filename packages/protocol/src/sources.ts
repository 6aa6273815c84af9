/**
 * Media sources: what a track *is* (a microphone, a camera, a shared screen), not its kind. Every
 * participant's state has one on/off entry per source, and every peer link carries one transceiver
 * per source, in this fixed order.
 */
export const SOURCES = ['mic', 'camera', 'screen'] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_KIND: Record<Source, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video' };

/**
 * Negotiation rules of a peer link, the same on both sides.
 *
 * - Who offers: the newcomer (the participant that received the others in its join reply) makes the
 *   first offer to each of them; those already in the room wait for it. Politeness for perfect
 *   negotiation: the participant whose server-assigned id sorts first is polite.
 * - The first offer carries, in this order, one media section per source in `SOURCES` (mic: audio,
 *   camera: video, screen: video), all `sendrecv`, then the data channel's section. The answerer maps
 *   media sections to sources by their position: the n-th media section of the offer is `SOURCES[n]`.
 *   Sections beyond these (none today) are ignored.
 * - Starting or stopping a microphone, camera or screen replaces the track on that source's sender
 *   (`replaceTrack`): it never renegotiates. Whether a source is on is told by signaling (`media`).
 * - One data channel per link, negotiated out of band (`negotiated: true`, id `DATA_CHANNEL.id`),
 *   ordered, created by both sides before the first offer. Peer messages travel on it (see peer-messages).
 * - Everything is bundled on one transport (`bundlePolicy: 'max-bundle'`). Codecs: whatever both
 *   browsers offer; VP8 and Opus are always available (Firefox has no H.264 offline).
 */
export const DATA_CHANNEL = { label: 'meshmeet', id: 0 } as const;

/** The source carried by the media section at `index` of the first offer, or undefined beyond them. */
export function sourceAtMediaSection(index: number): Source | undefined {
  return SOURCES[index];
}

/** Media section ids (`a=mid:`) in the order their sections appear in an SDP. */
export function midsInOrder(sdp: string): string[] {
  const mids: string[] = [];
  let inMedia = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) inMedia = !line.startsWith('m=application');
    else if (inMedia && line.startsWith('a=mid:')) mids.push(line.slice('a=mid:'.length).trim());
  }
  return mids;
}
