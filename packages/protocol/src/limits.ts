/**
 * Wire protocol version. A client speaking another version is refused at join and resume with
 * `unsupported_protocol` (checked before the message's shape, so any older client gets it).
 * 2: media state per source (mic, camera, screen) instead of audio/video.
 * 3: receive-only participants (`receiveOnly` in join and in every participant).
 */
export const PROTOCOL_VERSION = 3;

/**
 * Hard bounds on everything a client can send. The server enforces them through the schemas;
 * the transport limit (socket.io `maxHttpBufferSize`) is derived from them so an oversized
 * frame is dropped before it is parsed.
 */
export const LIMITS = {
  roomIdMaxLength: 64,
  displayNameMaxLength: 40,
  participantIdMaxLength: 64,
  /** A Chromium offer with audio + video is about 6 KB; 50 000 leaves room for ICE restarts and many codecs. */
  sdpMaxLength: 50_000,
  candidateMaxLength: 1_024,
  sdpMidMaxLength: 64,
  usernameFragmentMaxLength: 256,
  passcodeMinLength: 4,
  passcodeMaxLength: 64,
  resumeTokenMaxLength: 128,
  /** Largest socket.io frame the server accepts, in bytes. */
  maxMessageBytes: 64 * 1024,
} as const;

export const DEFAULT_MAX_ROOM_SIZE = 8;
