/** Machine-readable error codes sent to clients. Stable: clients switch on them. */
export const ERROR_CODES = [
  'invalid_message',
  'unsupported_protocol',
  'room_full',
  'already_joined',
  'not_in_room',
  'unknown_participant',
  'rate_limited',
  'passcode_required',
  'wrong_passcode',
  'room_not_protected',
  'session_unknown',
  'receive_only',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Short human-readable text per code; never contains anything the client sent. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  invalid_message: 'The message is malformed or has invalid fields.',
  unsupported_protocol: 'meshmeet was updated. Reload the page to join.',
  room_full: 'This room is full.',
  already_joined: 'This connection has already joined a room.',
  not_in_room: 'Join a room first.',
  unknown_participant: 'That participant is not in your room.',
  rate_limited: 'Too many messages. Slow down.',
  passcode_required: 'This room is protected by a passcode.',
  wrong_passcode: 'That passcode is not right.',
  room_not_protected: 'This room is not protected by a passcode: join without one.',
  session_unknown: 'This session is no longer known to the server. Join again.',
  receive_only: 'This participant joined to listen only: it cannot send a microphone, camera or screen.',
  internal_error: 'Something went wrong on the server.',
};
