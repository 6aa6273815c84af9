/**
 * Media sources: what a track *is* (a microphone, a camera, a shared screen), not its kind. Every
 * participant's state has one on/off entry per source, and every peer link carries one transceiver
 * per source, in this fixed order.
 */
export const SOURCES = ['mic', 'camera', 'screen'] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_KIND: Record<Source, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video' };

/** The link's data channel (see the "Data channel" rule in rules.ts, with every other negotiation rule). */
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
