import { z } from 'zod';
import { displayNameProblem } from './display-name.js';
import { ERROR_CODES } from './errors.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';
import { SOURCES } from './sources.js';

// Every object is strict: unknown keys (including `__proto__`-style keys) are rejected, not stripped.

export const RoomIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.roomIdMaxLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only');

export const ParticipantIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.participantIdMaxLength)
  .regex(/^[A-Za-z0-9_-]+$/);

/**
 * Display names: NFC-normalised and trimmed, bounded length, and they must render as a name
 * (see `displayNameProblem`: no invisible or control characters, joiners only between visible ones,
 * few combining marks, no look-alike script mixes).
 */
export const DisplayNameSchema = z
  .string()
  .max(LIMITS.displayNameMaxLength * 4)
  .transform((name) => name.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1)
      .max(LIMITS.displayNameMaxLength)
      .superRefine((name, ctx) => {
        const problem = displayNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  );

/** On or off, per source (see sources.ts): what the others show for this participant. */
export const MediaStateSchema = z.strictObject({
  mic: z.boolean(),
  camera: z.boolean(),
  screen: z.boolean(),
});

/**
 * A raised hand: when the server saw it go up (ms since the epoch, the server's clock), so everyone
 * orders hands alike; null while down.
 */
export const HandSchema = z.number().int().nonnegative().nullable();

export const ParticipantSchema = z.strictObject({
  id: ParticipantIdSchema,
  name: DisplayNameSchema,
  media: MediaStateSchema,
  hand: HandSchema,
  /** Joined to listen only: sends no microphone, camera or screen for the whole session (not "muted"). */
  receiveOnly: z.boolean(),
});

export const IceServerSchema = z.strictObject({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/** Only offers and answers cross the wire; rollback is a local operation in perfect negotiation. */
export const SessionDescriptionSchema = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(LIMITS.sdpMaxLength),
});

export const IceCandidateSchema = z.strictObject({
  /** An empty string is the end-of-candidates marker. */
  candidate: z.string().max(LIMITS.candidateMaxLength),
  sdpMid: z.string().max(LIMITS.sdpMidMaxLength).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(255).nullable().optional(),
  usernameFragment: z.string().max(LIMITS.usernameFragmentMaxLength).nullable().optional(),
});

export const ErrorPayloadSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** With `room_full`: how many people the room holds, so the page can say so. */
  roomSize: z.number().int().positive().optional(),
});

// ---- client -> server ----

/** Optional room passcode: set by whoever creates the room, then required from everyone joining it. */
export const PasscodeSchema = z.string().min(LIMITS.passcodeMinLength).max(LIMITS.passcodeMaxLength);

const NOTHING_ON = 'a receive-only participant has every source off';

export const JoinRequestSchema = z
  .strictObject({
    protocol: z.number().int(),
    roomId: RoomIdSchema,
    name: DisplayNameSchema,
    media: MediaStateSchema,
    passcode: PasscodeSchema.optional(),
    /**
     * Listen only: the participant will never send a microphone, camera or screen (a viewer, a
     * recorder, a test bot). Its media must be all off, and the server refuses any later change.
     */
    receiveOnly: z.boolean().optional(),
  })
  .refine((request) => !request.receiveOnly || SOURCES.every((source) => !request.media[source]), { message: NOTHING_ON, path: ['media'] });

/** Reattaches a new connection to an existing participant after a signaling outage. */
export const ResumeRequestSchema = z.strictObject({
  protocol: z.number().int(),
  token: z.string().min(16).max(LIMITS.resumeTokenMaxLength).regex(/^[A-Za-z0-9_-]+$/),
});

export const DescriptionOutSchema = z.strictObject({
  to: ParticipantIdSchema,
  description: SessionDescriptionSchema,
});

export const CandidateOutSchema = z.strictObject({
  to: ParticipantIdSchema,
  candidate: IceCandidateSchema,
});

export const MediaStateOutSchema = z.strictObject({
  media: MediaStateSchema,
});

export const LeaveRequestSchema = z.strictObject({});

/** Raise or lower one's own hand (only ever the sender's). */
export const HandOutSchema = z.strictObject({ raised: z.boolean() });

// ---- server -> client ----

export const JoinResultSchema = z.strictObject({
  ok: z.literal(true),
  protocol: z.literal(PROTOCOL_VERSION),
  roomId: RoomIdSchema,
  self: ParticipantSchema,
  participants: z.array(ParticipantSchema),
  iceServers: z.array(IceServerSchema),
  /** `relay` makes every connection go through TURN (hides addresses from peers; needs TURN_URLS). */
  iceTransportPolicy: z.enum(['all', 'relay']),
  maxRoomSize: z.number().int().positive(),
  /** Present it in `resume` after a reconnect to stay the same participant. Rotated on every resume. */
  resumeToken: z.string().min(16).max(LIMITS.resumeTokenMaxLength),
  /** How long the server keeps a disconnected participant in the room, waiting for a resume. */
  resumeGraceMs: z.number().int().nonnegative(),
});

export const ErrorResultSchema = z.strictObject({
  ok: z.literal(false),
  error: ErrorPayloadSchema,
});

export const OkResultSchema = z.strictObject({ ok: z.literal(true) });

export const JoinResponseSchema = z.discriminatedUnion('ok', [JoinResultSchema, ErrorResultSchema]);

/** Asks for the ICE servers a call would use (TURN credentials included), to test them before joining. */
export const IceServersRequestSchema = z.strictObject({});
export const IceServersResultSchema = z.strictObject({
  ok: z.literal(true),
  iceServers: z.array(IceServerSchema),
  iceTransportPolicy: z.enum(['all', 'relay']),
});
export const IceServersResponseSchema = z.discriminatedUnion('ok', [IceServersResultSchema, ErrorResultSchema]);
export const AckResponseSchema = z.discriminatedUnion('ok', [OkResultSchema, ErrorResultSchema]);

export const ParticipantJoinedSchema = z.strictObject({ participant: ParticipantSchema });
export const ParticipantLeftSchema = z.strictObject({ id: ParticipantIdSchema });
/** A participant's connection came back after an outage: pending negotiation with it must be redone. */
export const ParticipantResumedSchema = z.strictObject({ participant: ParticipantSchema });

export const DescriptionInSchema = z.strictObject({
  from: ParticipantIdSchema,
  description: SessionDescriptionSchema,
});

export const CandidateInSchema = z.strictObject({
  from: ParticipantIdSchema,
  candidate: IceCandidateSchema,
});

export const MediaStateInSchema = z.strictObject({
  from: ParticipantIdSchema,
  media: MediaStateSchema,
});

export const HandInSchema = z.strictObject({
  from: ParticipantIdSchema,
  hand: HandSchema,
});

/** Sent to every client before a graceful shutdown: the connection will drop; reconnect after the delay. */
export const ServerShutdownSchema = z.strictObject({
  reconnectAfterMs: z.number().int().min(0).max(60_000),
});

export const SignalErrorSchema = z.strictObject({
  event: z.string().max(64),
  ...ErrorPayloadSchema.shape,
});

export type MediaState = z.infer<typeof MediaStateSchema>;
export type Participant = z.infer<typeof ParticipantSchema>;
export type IceServer = z.infer<typeof IceServerSchema>;
export type SessionDescription = z.infer<typeof SessionDescriptionSchema>;
export type IceCandidate = z.infer<typeof IceCandidateSchema>;
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;
export type JoinRequest = z.infer<typeof JoinRequestSchema>;
export type ResumeRequest = z.infer<typeof ResumeRequestSchema>;
export type ParticipantResumed = z.infer<typeof ParticipantResumedSchema>;
export type DescriptionOut = z.infer<typeof DescriptionOutSchema>;
export type CandidateOut = z.infer<typeof CandidateOutSchema>;
export type MediaStateOut = z.infer<typeof MediaStateOutSchema>;
export type LeaveRequest = z.infer<typeof LeaveRequestSchema>;
export type JoinResult = z.infer<typeof JoinResultSchema>;
export type ErrorResult = z.infer<typeof ErrorResultSchema>;
export type OkResult = z.infer<typeof OkResultSchema>;
export type JoinResponse = z.infer<typeof JoinResponseSchema>;
export type IceServersResponse = z.infer<typeof IceServersResponseSchema>;
export type AckResponse = z.infer<typeof AckResponseSchema>;
export type ParticipantJoined = z.infer<typeof ParticipantJoinedSchema>;
export type ParticipantLeft = z.infer<typeof ParticipantLeftSchema>;
export type DescriptionIn = z.infer<typeof DescriptionInSchema>;
export type CandidateIn = z.infer<typeof CandidateInSchema>;
export type MediaStateIn = z.infer<typeof MediaStateInSchema>;
export type HandOut = z.infer<typeof HandOutSchema>;
export type HandIn = z.infer<typeof HandInSchema>;
export type SignalError = z.infer<typeof SignalErrorSchema>;
export type ServerShutdown = z.infer<typeof ServerShutdownSchema>;
