import { z } from 'zod';
import { ParticipantIdSchema } from './schemas.js';

/**
 * What peers send each other on a link's data channel, never through the server. Versioned; every
 * message is at most `PEER_MESSAGE_MAX_BYTES` of JSON and is validated on receipt: anything invalid or
 * oversized is dropped (and counted), never thrown. Peers trust each other no more than the server does.
 */
export const PEER_PROTOCOL_VERSION = 1;
export const PEER_MESSAGE_MAX_BYTES = 16 * 1024;

/** Round-trip probe over the data channel: answered with a pong carrying the same nonce. */
const PingSchema = z.strictObject({ v: z.literal(PEER_PROTOCOL_VERSION), type: z.literal('ping'), nonce: z.string().min(1).max(64) });
const PongSchema = z.strictObject({ v: z.literal(PEER_PROTOCOL_VERSION), type: z.literal('pong'), nonce: z.string().min(1).max(64) });

export const CHAT_MESSAGE_MAX_LENGTH = 2_000;

/**
 * A chat message, sent to every other participant directly. The receiver knows who sent it (the link
 * it came on), so it carries no name; `id` lets receivers drop a repeat. Rendered as text, never HTML.
 */
const ChatSchema = z.strictObject({
  v: z.literal(PEER_PROTOCOL_VERSION),
  type: z.literal('chat'),
  id: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/),
  text: z.string().trim().min(1).max(CHAT_MESSAGE_MAX_LENGTH),
});

/** The reactions a person can send; anything else is dropped. */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '😮'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** An emoji that floats over the sender's tile for a few seconds at everyone's. */
const ReactionSchema = z.strictObject({ v: z.literal(PEER_PROTOCOL_VERSION), type: z.literal('reaction'), emoji: z.enum(REACTIONS) });

/**
 * How a receiver shows one of the sender's videos: the device pixels of its tile, and whether it is
 * featured there (pinned, presented, or the person speaking). `null`: not shown at all (another page of
 * the grid, a hidden tab, a minimised window). The sender sizes that link's encoding to it.
 */
const ViewHintSchema = z.strictObject({
  width: z.int().min(1).max(7_680),
  height: z.int().min(1).max(4_320),
  priority: z.enum(['high', 'normal']),
});
export type ViewHintMessage = z.infer<typeof ViewHintSchema>;

/** The receiver's view of the sender's camera and screen (the mesh form of LiveKit's adaptiveStream). */
const ViewSchema = z.strictObject({
  v: z.literal(PEER_PROTOCOL_VERSION),
  type: z.literal('view'),
  camera: ViewHintSchema.nullable(),
  screen: ViewHintSchema.nullable(),
});

/** How many links one report may describe (a room holds at most a few dozen people; 8 by default). */
export const LINK_REPORT_MAX_LINKS = 32;

/**
 * One participant's links, as it sees them, sent to everyone so each can draw who reaches whom (the
 * connectivity matrix): a pair that fails shows up at everyone's, not only at the two ends. Sent when
 * something changes, at most every few seconds. Diagnostics only: nothing acts on another's report.
 */
const LinksSchema = z.strictObject({
  v: z.literal(PEER_PROTOCOL_VERSION),
  type: z.literal('links'),
  links: z
    .array(
      z.strictObject({
        to: ParticipantIdSchema,
        state: z.enum(['connecting', 'connected', 'reconnecting', 'failed']),
        /** The selected candidate pair: both ends' own addresses (`direct`) or through TURN (`relayed`). */
        route: z.enum(['direct', 'relayed']).nullable(),
        rttMs: z.int().min(0).max(60_000).nullable(),
        /** How long the link has been in this state, in ms (capped at a day). */
        forMs: z.int().min(0).max(86_400_000),
      }),
    )
    .max(LINK_REPORT_MAX_LINKS),
});
export type LinkReport = z.infer<typeof LinksSchema>['links'][number];

export const PeerMessageSchema = z.discriminatedUnion('type', [PingSchema, PongSchema, ChatSchema, ReactionSchema, ViewSchema, LinksSchema]);
export type PeerMessage = z.infer<typeof PeerMessageSchema>;
export type PeerMessageType = PeerMessage['type'];

/** Bytes of `text` in UTF-8 (the protocol package runs in browsers and Node alike, without DOM or Node types). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export type PeerMessageResult = { ok: true; message: PeerMessage } | { ok: false; reason: 'not_text' | 'too_large' | 'not_json' | 'invalid' };

/** Reads one data channel message: the message, or why it was dropped. */
export function parsePeerMessage(data: unknown): PeerMessageResult {
  if (typeof data !== 'string') return { ok: false, reason: 'not_text' };
  // The UTF-16 length bounds the UTF-8 size from below: cheap refusal first, exact count after.
  if (data.length > PEER_MESSAGE_MAX_BYTES || utf8Length(data) > PEER_MESSAGE_MAX_BYTES) {
    return { ok: false, reason: 'too_large' };
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const parsed = PeerMessageSchema.safeParse(json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: 'invalid' };
}

/** Encodes a message for the data channel; undefined if it is not a valid message or too large. */
export function encodePeerMessage(message: PeerMessage): string | undefined {
  if (!PeerMessageSchema.safeParse(message).success) return undefined;
  const text = JSON.stringify(message);
  return utf8Length(text) <= PEER_MESSAGE_MAX_BYTES ? text : undefined;
}
