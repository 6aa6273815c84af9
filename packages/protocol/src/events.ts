import type { z } from 'zod';
import {
  AckResponseSchema,
  CandidateInSchema,
  CandidateOutSchema,
  DescriptionInSchema,
  DescriptionOutSchema,
  HandInSchema,
  HandOutSchema,
  IceServersRequestSchema,
  IceServersResponseSchema,
  JoinRequestSchema,
  JoinResponseSchema,
  LeaveRequestSchema,
  MediaStateInSchema,
  MediaStateOutSchema,
  ParticipantJoinedSchema,
  ParticipantLeftSchema,
  ParticipantResumedSchema,
  ResumeRequestSchema,
  ServerShutdownSchema,
  SignalErrorSchema,
} from './schemas.js';

/**
 * Client -> server events: name -> schema of the payload, and of the acknowledgement for the requests
 * a client acts on (join, resume, leave, ice-servers). Relays and state changes (description, candidate,
 * media-state, hand) are not acknowledged: they go fire-and-forget, and a refusal comes back as a
 * `signal-error` event naming the event. The event maps below are derived from this table so a
 * message shape is written once.
 */
export const CLIENT_EVENTS = {
  join: { payload: JoinRequestSchema, ack: JoinResponseSchema },
  resume: { payload: ResumeRequestSchema, ack: JoinResponseSchema },
  leave: { payload: LeaveRequestSchema, ack: AckResponseSchema },
  'ice-servers': { payload: IceServersRequestSchema, ack: IceServersResponseSchema },
  description: { payload: DescriptionOutSchema },
  candidate: { payload: CandidateOutSchema },
  'media-state': { payload: MediaStateOutSchema },
  hand: { payload: HandOutSchema },
} as const;

/** Server -> client events: name -> payload schema. Clients validate every one of them. */
export const SERVER_EVENTS = {
  'participant-joined': ParticipantJoinedSchema,
  'participant-left': ParticipantLeftSchema,
  'participant-resumed': ParticipantResumedSchema,
  description: DescriptionInSchema,
  candidate: CandidateInSchema,
  'media-state': MediaStateInSchema,
  hand: HandInSchema,
  'signal-error': SignalErrorSchema,
  'server-shutdown': ServerShutdownSchema,
} as const;

export type ClientEventName = keyof typeof CLIENT_EVENTS;
export type ServerEventName = keyof typeof SERVER_EVENTS;
/** The client events answered through an acknowledgement. */
export type ClientRequestName = { [E in ClientEventName]: (typeof CLIENT_EVENTS)[E] extends { ack: z.ZodType } ? E : never }[ClientEventName];
/** The client events sent without an acknowledgement. */
export type ClientNoticeName = Exclude<ClientEventName, ClientRequestName>;

export type ClientPayload<E extends ClientEventName> = z.input<(typeof CLIENT_EVENTS)[E]['payload']>;
export type ClientAck<E extends ClientRequestName> = z.infer<(typeof CLIENT_EVENTS)[E]['ack']>;
export type ServerPayload<E extends ServerEventName> = z.infer<(typeof SERVER_EVENTS)[E]>;

/** socket.io typed map for `io<ServerToClientEvents, ClientToServerEvents>()` on the client. */
export type ClientToServerEvents = {
  [E in ClientRequestName]: (payload: ClientPayload<E>, ack: (response: ClientAck<E>) => void) => void;
} & {
  [E in ClientNoticeName]: (payload: ClientPayload<E>) => void;
};

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerPayload<E>) => void;
};
