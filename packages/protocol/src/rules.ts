/**
 * The rules of the protocol that are not message shapes, as data: the protocol documentation
 * (docs/protocol/) is generated from them and from the schemas, and the browser client and the
 * reference bot follow them through the constants below.
 */

/**
 * How long a participant already in the room waits for a newcomer's first offer before it offers
 * itself (a lost offer, or a client that never sends one). Safe under perfect negotiation: if both
 * offers cross, the impolite side's wins and the polite side answers it.
 */
export const FIRST_OFFER_WAIT_MS = 5_000;

/**
 * Messages that arrive from a participant id the client does not know yet are held, up to this many
 * per id and for this long, and applied once the participant is introduced (join answer or
 * `participant-joined`); the rest are dropped.
 */
export const UNKNOWN_SENDER_HOLD = { messages: 64, ms: 10_000, senders: 16 } as const;

export interface ProtocolRule {
  title: string;
  text: string;
}

export const PROTOCOL_RULES: readonly ProtocolRule[] = [
  {
    title: 'Transport',
    text:
      'socket.io 4 (engine.io protocol 4) on the path `/socket.io/`, WebSocket preferred, HTTP long-polling as a fallback. ' +
      'Every payload is one JSON object, validated by the server against the schemas below; anything invalid is refused ' +
      'with `invalid_message`. Frames above `LIMITS.maxMessageBytes` (64 KiB) close the connection.',
  },
  {
    title: 'Requests and notices',
    text:
      '`join`, `resume`, `leave` and `ice-servers` are requests: send them with a socket.io acknowledgement; the answer is the ' +
      'acknowledgement (`ok: true` with a result, or `ok: false` with an error code). Every other client event is a ' +
      'notice, sent without an acknowledgement; when the server refuses one it sends `signal-error` naming the event ' +
      'and the code. A request without an acknowledgement is refused with `signal-error` too.',
  },
  {
    title: 'Identity',
    text:
      'The server assigns every participant id (in the join answer) and stamps `from` on everything it relays; ' +
      'clients never name themselves. Relays (`description`, `candidate`) go only to a participant `to` in the same ' +
      'room (`unknown_participant` otherwise).',
  },
  {
    title: 'Ordering',
    text:
      'Messages on one connection are delivered in the order they were sent. A newcomer receives its join answer ' +
      'before any message from the participants already in the room, and those participants receive ' +
      '`participant-joined` before any message from the newcomer. Someone joining at the same moment may be announced ' +
      '(`participant-joined`) before your own join answer arrives: apply such room events after the answer. Clients ' +
      'should also hold messages from a ' +
      `participant they do not know yet (up to ${UNKNOWN_SENDER_HOLD.messages} per sender, for ${UNKNOWN_SENDER_HOLD.ms / 1000} s) ` +
      'and apply them once it is introduced: across several server instances the order of different senders is not ' +
      'guaranteed.',
  },
  {
    title: 'Who offers',
    text:
      'The newcomer (the participant that received the others in its join answer) makes the first offer to each of ' +
      `them. Those already in the room wait for it; if no description has arrived ${FIRST_OFFER_WAIT_MS / 1000} s after ` +
      '`participant-joined`, they offer themselves. After an outage, `participant-resumed` means pending negotiation ' +
      'with that participant must be redone (roll back a dangling offer and offer again with an ICE restart).',
  },
  {
    title: 'Perfect negotiation',
    text:
      'Both sides may offer at any time (renegotiation, ICE restarts, the first-offer repair). Collisions are resolved ' +
      'as in the W3C "perfect negotiation" pattern: the participant whose id sorts first (plain string comparison) is ' +
      'polite and rolls its own offer back; the other ignores the colliding offer. A polite side that rolls back its ' +
      'first offer stops the transceivers it had added, so every link keeps exactly one transceiver per source.',
  },
  {
    title: 'Media sections',
    text:
      'The first offer carries one media section per source, in this order: `mic` (audio), `camera` (video), `screen` ' +
      '(video), each `sendrecv`, then one `application` section for the data channel. The n-th media section is the ' +
      'n-th source, whoever offered; sections beyond these are ignored. Starting or stopping a source replaces the ' +
      "track on that section's sender and never renegotiates; whether a source is on is told by signaling (`media`).",
  },
  {
    title: 'Bundling, ICE and codecs',
    text:
      'Everything is bundled on one transport (`bundlePolicy: max-bundle`, `rtcp-mux`). Candidates are trickled as ' +
      '`candidate` notices (an empty `candidate` string is the end-of-candidates marker); hosts may be mDNS names. ' +
      'Use the `iceServers` and `iceTransportPolicy` of the join answer (TURN credentials are issued per participant). ' +
      'Video: every peer must support VP8; browsers prefer H.264 (constrained baseline) where both have it, then VP8, ' +
      'VP9, AV1. Audio: Opus, with DTX and in-band FEC requested in the receiver\'s fmtp. Senders size each link\'s ' +
      'video to the receiver\'s `view` peer message.',
  },
  {
    title: 'Data channel',
    text:
      'One data channel per link, negotiated out of band (`negotiated: true`, id 0, label `meshmeet`, ordered), created ' +
      'by both sides. Peer messages (see `PeerMessage`) are JSON text of at most 16 KiB, validated on receipt; anything ' +
      'invalid is dropped, never rendered as HTML.',
  },
  {
    title: 'Receive-only',
    text:
      'A participant that joins with `receiveOnly: true` has every source off and may not turn one on (`receive_only`). ' +
      'Its links still carry the three media sections (it just sends nothing on them); others show it as listening, not muted.',
  },
  {
    title: 'Resume',
    text:
      'The join answer carries a `resumeToken`. After a dropped connection, a new connection sends `resume` with it ' +
      'within `resumeGraceMs` to stay the same participant (same id, nobody sees a leave); the token is rotated on every ' +
      'resume. `session_unknown` means join afresh. Peer connections keep running through a signaling outage.',
  },
  {
    title: 'Leaving',
    text:
      '`leave` (or closing the connection and not resuming within the grace period) removes the participant; the ' +
      'others receive `participant-left` and close their link to it. Before a graceful shutdown the server sends ' +
      '`server-shutdown`: reconnect and resume after `reconnectAfterMs`.',
  },
];
