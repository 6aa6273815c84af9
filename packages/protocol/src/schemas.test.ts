import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CLIENT_EVENTS, SERVER_EVENTS } from './events.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';
import { DisplayNameSchema, RoomIdSchema } from './schemas.js';

const media = { mic: true, camera: false, screen: false };
const participant = { id: 'p_abc123', name: 'Ada', media, hand: null, receiveOnly: false };
const nothingOn = { mic: false, camera: false, screen: false };
const description = { type: 'offer', sdp: 'v=0\r\n' };
const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const error = { code: 'room_full', message: 'This room is full.' };

interface Case {
  name: string;
  schema: z.ZodType;
  valid: unknown[];
  invalid: unknown[];
}

const cases: Case[] = [
  {
    name: 'join request',
    schema: CLIENT_EVENTS.join.payload,
    valid: [
      { protocol: PROTOCOL_VERSION, roomId: 'team-standup_1', name: ' Ada Lovelace ', media },
      { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Ada', media, passcode: 'open sesame' },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Listener', media: nothingOn, receiveOnly: true },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Ada', media, receiveOnly: false },
    ],
    invalid: [
      { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Ada', media, passcode: 'abc' },
      { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Ada', media, passcode: 'x'.repeat(LIMITS.passcodeMaxLength + 1) },
      { protocol: PROTOCOL_VERSION, roomId: 'locked', name: 'Ada', media, passcode: 1234 },
      null,
      'join',
      [],
      { protocol: PROTOCOL_VERSION, roomId: 'a b', name: 'Ada', media },
      { protocol: PROTOCOL_VERSION, roomId: 'x'.repeat(LIMITS.roomIdMaxLength + 1), name: 'Ada', media },
      { protocol: PROTOCOL_VERSION, roomId: '', name: 'Ada', media },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: '   ', media },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'x'.repeat(LIMITS.displayNameMaxLength + 1), media },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'bad\u0000name', media },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Ada', media: { mic: 'yes', camera: true, screen: false } },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Ada' },
      { protocol: 1.5, roomId: 'room', name: 'Ada', media },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Ada', media, id: 'forged' },
      // Listening only and sending a microphone at once.
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Listener', media, receiveOnly: true },
      { protocol: PROTOCOL_VERSION, roomId: 'room', name: 'Listener', media: nothingOn, receiveOnly: 'yes' },
    ],
  },
  {
    name: 'ice-servers request',
    schema: CLIENT_EVENTS['ice-servers'].payload,
    valid: [{}],
    invalid: [{ roomId: 'r' }, null, 'servers'],
  },
  {
    name: 'ice-servers answer',
    schema: CLIENT_EVENTS['ice-servers'].ack,
    valid: [
      { ok: true, iceServers: [{ urls: ['stun:stun.example.org:3478'] }, { urls: 'turn:turn.example.org', username: '1:check-x', credential: 'c' }], iceTransportPolicy: 'all' },
      { ok: false, error: { code: 'rate_limited', message: 'Too many messages. Slow down.' } },
    ],
    invalid: [{ ok: true, iceServers: [], iceTransportPolicy: 'none' }, { ok: true, iceServers: [{ urls: [] }], iceTransportPolicy: 'all' }],
  },
  {
    name: 'resume request',
    schema: CLIENT_EVENTS.resume.payload,
    valid: [{ protocol: PROTOCOL_VERSION, token: 'abcdefghijklmnopqrstuvwxyz012345' }],
    invalid: [
      { protocol: PROTOCOL_VERSION, token: 'short' },
      { protocol: PROTOCOL_VERSION, token: 'x'.repeat(LIMITS.resumeTokenMaxLength + 1) },
      { protocol: PROTOCOL_VERSION, token: 'has spaces in the token value' },
      { protocol: PROTOCOL_VERSION, token: 'abcdefghijklmnopqrstuvwxyz012345', participantId: 'p_1' },
    ],
  },
  {
    name: 'participant resumed',
    schema: SERVER_EVENTS['participant-resumed'],
    valid: [{ participant }],
    invalid: [{ id: 'p_1' }],
  },
  {
    name: 'leave request',
    schema: CLIENT_EVENTS.leave.payload,
    valid: [{}],
    invalid: [null, { id: 'someone-else' }, 'leave'],
  },
  {
    name: 'description out',
    schema: CLIENT_EVENTS.description.payload,
    valid: [{ to: 'p_1', description }, { to: 'p_1', description: { type: 'answer', sdp: 'v=0' } }],
    invalid: [
      { to: 'p_1', description: { type: 'rollback', sdp: '' } },
      { to: 'p_1', description: { type: 'offer', sdp: 'x'.repeat(LIMITS.sdpMaxLength + 1) } },
      { to: 'p_1', description, from: 'p_2' },
      { to: '../etc', description },
      { description },
    ],
  },
  {
    name: 'candidate out',
    schema: CLIENT_EVENTS.candidate.payload,
    valid: [
      { to: 'p_1', candidate },
      { to: 'p_1', candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: null } },
    ],
    invalid: [
      { to: 'p_1', candidate: { ...candidate, candidate: 'x'.repeat(LIMITS.candidateMaxLength + 1) } },
      { to: 'p_1', candidate: { ...candidate, sdpMLineIndex: -1 } },
      { to: 'p_1', candidate: { ...candidate, sdpMLineIndex: 1e300 } },
      { to: 'p_1', candidate: null },
      { to: 'p_1', candidate, from: 'p_2' },
    ],
  },
  {
    name: 'media state out',
    schema: CLIENT_EVENTS['media-state'].payload,
    valid: [{ media }],
    invalid: [{ media, from: 'p_2' }, { media: { mic: true } }, { media: { audio: true, video: true } }, { mic: true, camera: true, screen: false }],
  },
  {
    name: 'hand out',
    schema: CLIENT_EVENTS.hand.payload,
    valid: [{ raised: true }, { raised: false }],
    invalid: [{ raised: 'yes' }, { raised: true, from: 'p_2' }, { raised: true, at: 1 }, {}],
  },
  {
    name: 'join response',
    schema: CLIENT_EVENTS.join.ack,
    valid: [
      {
        ok: true,
        protocol: PROTOCOL_VERSION,
        roomId: 'room',
        self: participant,
        participants: [participant],
        iceServers: [{ urls: 'stun:stun.example.org' }, { urls: ['turn:t.example.org'], username: 'u', credential: 'c' }],
        iceTransportPolicy: 'all',
        maxRoomSize: 8,
        resumeToken: 'abcdefghijklmnopqrstuvwxyz012345',
        resumeGraceMs: 30000,
      },
      { ok: false, error },
    ],
    invalid: [{ ok: true }, { ok: false, error: { code: 'nope', message: 'x' } }, { ok: false }],
  },
  {
    name: 'ack response',
    schema: CLIENT_EVENTS.leave.ack,
    valid: [{ ok: true }, { ok: false, error }],
    invalid: [{ ok: 'yes' }, { ok: true, extra: 1 }],
  },
  {
    name: 'participant joined',
    schema: SERVER_EVENTS['participant-joined'],
    valid: [{ participant }],
    invalid: [{ participant: { ...participant, id: '' } }, { participant: { id: 'p', name: 'n' } }, { participant: { ...participant, receiveOnly: undefined } }],
  },
  {
    name: 'participant left',
    schema: SERVER_EVENTS['participant-left'],
    valid: [{ id: 'p_1' }],
    invalid: [{ id: 42 }, {}],
  },
  {
    name: 'description in',
    schema: SERVER_EVENTS.description,
    valid: [{ from: 'p_1', description }],
    invalid: [{ to: 'p_1', description }, { from: 'p_1', description: { type: 'pranswer', sdp: 'v=0' } }],
  },
  {
    name: 'candidate in',
    schema: SERVER_EVENTS.candidate,
    valid: [{ from: 'p_1', candidate }],
    invalid: [{ from: 'p_1' }, { from: 'p_1', candidate: { candidate: 7 } }],
  },
  {
    name: 'media state in',
    schema: SERVER_EVENTS['media-state'],
    valid: [{ from: 'p_1', media }],
    invalid: [{ from: 'p_1', media: null }],
  },
  {
    name: 'hand in',
    schema: SERVER_EVENTS.hand,
    valid: [{ from: 'p_1', hand: 1_795_300_000_000 }, { from: 'p_1', hand: null }],
    invalid: [{ from: 'p_1', hand: -1 }, { from: 'p_1', hand: 1.5 }, { from: 'p_1' }],
  },
  {
    name: 'server shutdown',
    schema: SERVER_EVENTS['server-shutdown'],
    valid: [{ reconnectAfterMs: 500 }],
    invalid: [{ reconnectAfterMs: -1 }, {}, { reconnectAfterMs: 1, reason: 'x' }],
  },
  {
    name: 'signal error',
    schema: SERVER_EVENTS['signal-error'],
    valid: [{ event: 'candidate', code: 'not_in_room', message: 'Join a room first.' }],
    invalid: [{ event: 'candidate', code: 'teapot', message: '' }],
  },
];

describe('protocol schemas', () => {
  it('covers every event in both directions', () => {
    const covered = new Set(cases.map((c) => c.schema));
    for (const event of Object.values(CLIENT_EVENTS)) {
      expect(covered.has(event.payload)).toBe(true);
      // Only requests are acknowledged; leave's generic ack schema needs no case of its own.
      if ('ack' in event) expect(covered.has(event.ack) || event.ack === CLIENT_EVENTS.leave.ack).toBe(true);
    }
    // Relays and state changes are fire-and-forget: their refusals come as signal-error events.
    expect(Object.entries(CLIENT_EVENTS).filter(([, event]) => 'ack' in event).map(([name]) => name)).toEqual(['join', 'resume', 'leave', 'ice-servers']);
    for (const schema of Object.values(SERVER_EVENTS)) expect(covered.has(schema)).toBe(true);
  });

  for (const c of cases) {
    describe(c.name, () => {
      it.each(c.valid.map((v, i) => [i, v] as const))('accepts valid example %i', (_i, value) => {
        expect(c.schema.safeParse(value).success).toBe(true);
      });
      it.each(c.invalid.map((v, i) => [i, v] as const))('rejects invalid example %i', (_i, value) => {
        expect(c.schema.safeParse(value).success).toBe(false);
      });
    });
  }

  it('trims display names and keeps non-Latin scripts and emoji', () => {
    expect(DisplayNameSchema.parse('  Zoë 李 🙂 ')).toBe('Zoë 李 🙂');
  });

  it('rejects prototype-pollution keys instead of stripping them', () => {
    const payload = JSON.parse('{"media":{"mic":true,"camera":true,"screen":false},"__proto__":{"polluted":true}}') as unknown;
    expect(CLIENT_EVENTS['media-state'].payload.safeParse(payload).success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts room ids that a random generator produces', () => {
    expect(RoomIdSchema.safeParse('Qm9vdHN0cmFwcGluZw_-').success).toBe(true);
  });
});
