import { z } from 'zod';
import { ERROR_CODES, ERROR_MESSAGES } from './errors.js';
import { CLIENT_EVENTS, SERVER_EVENTS, type ClientEventName, type ServerEventName } from './events.js';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';
import { PEER_MESSAGE_MAX_BYTES, PEER_PROTOCOL_VERSION, PeerMessageSchema } from './peer-messages.js';
import { PROTOCOL_RULES } from './rules.js';
import { SOURCES } from './sources.js';

/**
 * The protocol documentation, generated from the schemas and the rules (never written by hand):
 * `docs/protocol/asyncapi.json` (AsyncAPI 3.0) and `docs/protocol/README.md`. Not exported from the
 * package index, so no browser bundle carries it. `pnpm --filter @meshmeet/protocol docs` writes both;
 * a test fails when the committed files differ from what this produces.
 */

/** What each event is for, in a sentence (the shapes come from the schemas). */
const CLIENT_SUMMARIES: Record<ClientEventName, string> = {
  join: 'Enter a room as a new participant. Answered with the participant id, the others, ICE servers and a resume token.',
  resume: 'Take an existing participant over on a new connection after an outage (same id; nobody sees a leave).',
  leave: 'Leave the room now (closing the connection does the same after the grace period).',
  'ice-servers': 'Before joining: the ICE servers a call would use, TURN credentials included (for a connectivity self-test). Counts against the per-address TURN budget.',
  description: 'An SDP offer or answer for the participant `to`; relayed with `from` stamped by the server.',
  candidate: 'A trickled ICE candidate for the participant `to`; relayed with `from` stamped by the server.',
  'media-state': 'Which of our sources (mic, camera, screen) are on; the room sees it and late joiners get it in the roster.',
  hand: 'Raise or lower our hand; the server stamps the time so everyone orders hands alike.',
};

const SERVER_SUMMARIES: Record<ServerEventName, string> = {
  'participant-joined': 'Someone joined the room: wait for their first offer (see "Who offers").',
  'participant-left': 'Someone left (or did not come back within the grace period): close the link to them.',
  'participant-resumed': 'Someone came back after an outage: redo any negotiation that was pending with them.',
  description: 'An SDP offer or answer from the participant `from`.',
  candidate: 'An ICE candidate from the participant `from`.',
  'media-state': "A participant's sources changed.",
  hand: "A participant's hand went up (with the server's time) or down (null).",
  'signal-error': 'A notice was refused: the event it concerned and the error code.',
  'server-shutdown': 'The server is going down: reconnect (and resume) after the delay.',
};

type JsonSchema = Record<string, unknown>;

/** A schema as JSON Schema draft 7 (what AsyncAPI's schema format builds on), as a client must send or may receive it. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const result = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema;
  delete result.$schema;
  return result;
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
const messageRef = (channel: string, id: string) => ({ $ref: `#/channels/${channel}/messages/${id}` });

interface Message {
  id: string;
  name: string;
  title: string;
  summary: string;
  payload: JsonSchema;
}

function signalingMessages(): { client: Message[]; server: Message[]; answers: Message[] } {
  const client = (Object.keys(CLIENT_EVENTS) as ClientEventName[]).map((event) => ({
    id: `${camel(event)}ToServer`,
    name: event,
    title: `${event} (client to server)`,
    summary: CLIENT_SUMMARIES[event],
    payload: jsonSchema(CLIENT_EVENTS[event].payload, 'input'),
  }));
  const server = (Object.keys(SERVER_EVENTS) as ServerEventName[]).map((event) => ({
    id: `${camel(event)}FromServer`,
    name: event,
    title: `${event} (server to client)`,
    summary: SERVER_SUMMARIES[event],
    payload: jsonSchema(SERVER_EVENTS[event], 'output'),
  }));
  const answers = (Object.keys(CLIENT_EVENTS) as ClientEventName[]).flatMap((event) => {
    const spec = CLIENT_EVENTS[event];
    if (!('ack' in spec)) return [];
    return [{ id: `${camel(event)}Answer`, name: `${event} acknowledgement`, title: `Answer to ${event}`, summary: `The socket.io acknowledgement of \`${event}\`.`, payload: jsonSchema(spec.ack, 'output') }];
  });
  return { client, server, answers };
}

function peerMessages(): Message[] {
  return PeerMessageSchema.options.map((schema) => {
    const type = schema.shape.type.value;
    return { id: `peer${type[0]!.toUpperCase()}${type.slice(1)}`, name: type, title: `${type} (peer to peer)`, summary: PEER_SUMMARIES[type], payload: jsonSchema(schema, 'output') };
  });
}

const PEER_SUMMARIES: Record<z.infer<typeof PeerMessageSchema>['type'], string> = {
  ping: 'Round-trip probe; answer with a pong carrying the same nonce.',
  pong: 'The answer to a ping.',
  chat: 'A chat message to everyone (sent on every link); render as text, never HTML; `id` drops repeats.',
  reaction: 'An emoji shown over the sender for a few seconds.',
  view: "How the receiver shows the sender's camera and screen (device pixels, priority, or null: not shown); the sender sizes that link's video to it.",
  links: "The sender's links as it sees them (state, route, round trip), sent to everyone when they change: each participant draws who reaches whom.",
};

const entries = (messages: Message[]) =>
  Object.fromEntries(messages.map(({ id, name, title, summary, payload }) => [id, { name, title, summary, contentType: 'application/json', payload }]));

/** The AsyncAPI 3.0 document of the signaling protocol and the peer messages. */
export function protocolDocument(): Record<string, unknown> {
  const { client, server, answers } = signalingMessages();
  const peer = peerMessages();
  const operations: Record<string, unknown> = {};
  for (const message of client) {
    const answer = answers.find((a) => a.id === `${camel(message.name)}Answer`);
    operations[`send${message.id[0]!.toUpperCase()}${message.id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: '#/channels/signaling' },
      summary: answer ? 'A request: send it with a socket.io acknowledgement.' : 'A notice: no acknowledgement; a refusal comes back as signal-error.',
      messages: [messageRef('signaling', message.id)],
      ...(answer ? { reply: { channel: { $ref: '#/channels/signaling' }, messages: [messageRef('signaling', answer.id)] } } : {}),
    };
  }
  for (const message of server) {
    operations[`receive${message.id[0]!.toUpperCase()}${message.id.slice(1)}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/signaling' },
      messages: [messageRef('signaling', message.id)],
    };
  }
  operations.sendPeerMessage = { action: 'send', channel: { $ref: '#/channels/peer' }, messages: peer.map((m) => messageRef('peer', m.id)) };
  operations.receivePeerMessage = { action: 'receive', channel: { $ref: '#/channels/peer' }, messages: peer.map((m) => messageRef('peer', m.id)) };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'meshmeet signaling and peer protocol',
      version: `${PROTOCOL_VERSION}.${PEER_PROTOCOL_VERSION}.0`,
      description: [
        `Protocol version ${PROTOCOL_VERSION} (sent in \`join\` and \`resume\`; another version is refused with \`unsupported_protocol\`), peer message version ${PEER_PROTOCOL_VERSION}.`,
        'This document describes a meshmeet **client**: `send` operations are socket.io events a client emits, `receive` operations the ones the server emits; the `peer` channel is the data channel between two clients.',
        'Generated from the zod schemas and rules in `packages/protocol`; do not edit by hand.',
        '',
        ...PROTOCOL_RULES.flatMap((rule) => [`### ${rule.title}`, '', rule.text, '']),
        '### Error codes',
        '',
        ...ERROR_CODES.map((code) => `- \`${code}\`: ${ERROR_MESSAGES[code]}`),
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      selfHosted: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io/',
        description: 'A meshmeet server (socket.io 4, engine.io protocol 4; use `wss` behind TLS). Browsers must send an allowed Origin.',
      },
    },
    channels: {
      signaling: {
        address: '/',
        title: 'Signaling (socket.io default namespace)',
        description: `Every event is one JSON object; frames above ${LIMITS.maxMessageBytes} bytes close the connection.`,
        servers: [{ $ref: '#/servers/selfHosted' }],
        messages: entries([...client, ...server, ...answers]),
      },
      peer: {
        address: null,
        title: 'Peer messages (the RTCDataChannel of each link)',
        description: `Negotiated data channel id 0, label "meshmeet", ordered. JSON text of at most ${PEER_MESSAGE_MAX_BYTES} bytes; validate on receipt and drop anything else.`,
        messages: entries(peer),
      },
    },
    operations,
  };
}

const fence = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

/** docs/protocol/README.md: what a third-party client author reads first. */
export function protocolReadme(): string {
  const { client, server, answers } = signalingMessages();
  const section = (title: string, messages: Message[]) => [
    `## ${title}`,
    '',
    ...messages.flatMap((message) => [`### \`${message.name}\``, '', message.summary, '', fence(message.payload), '']),
  ];
  return [
    '<!-- Generated by packages/protocol (pnpm --filter @meshmeet/protocol docs) from the schemas and rules. Do not edit. -->',
    '# The meshmeet protocol',
    '',
    `Protocol version ${PROTOCOL_VERSION}, peer messages version ${PEER_PROTOCOL_VERSION}. The machine-readable form is`,
    '[`asyncapi.json`](asyncapi.json) (AsyncAPI 3.0). A complete client that is not a browser, in about 600 lines on',
    'werift: [`tools/bot`](../../tools/bot/src) (`peer.ts` is one link as these rules say; `bot.ts` the signaling side).',
    '',
    '## Rules',
    '',
    ...PROTOCOL_RULES.flatMap((rule) => [`### ${rule.title}`, '', rule.text, '']),
    `Sources, in media-section order: ${SOURCES.map((source) => `\`${source}\``).join(', ')}.`,
    '',
    '## Error codes',
    '',
    ...ERROR_CODES.map((code) => `- \`${code}\`: ${ERROR_MESSAGES[code]}`),
    '',
    ...section('Client to server', client),
    ...section('Answers (socket.io acknowledgements)', answers),
    ...section('Server to client', server),
    ...section('Peer messages (data channel)', peerMessages()),
  ].join('\n');
}
