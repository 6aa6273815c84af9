import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, SERVER_EVENTS } from './events.js';
import { protocolDocument, protocolReadme } from './document.js';

const committed = (file: string) => readFileSync(new URL(`../../../docs/protocol/${file}`, import.meta.url), 'utf8');
const STALE = 'docs/protocol is out of date with the schemas: run `npx pnpm@10.34.9 --filter @meshmeet/protocol docs` and commit the result';

describe('protocol documentation', () => {
  it('is committed exactly as the schemas and rules generate it', () => {
    expect(committed('asyncapi.json'), STALE).toBe(`${JSON.stringify(protocolDocument(), null, 2)}\n`);
    expect(committed('README.md'), STALE).toBe(`${protocolReadme()}\n`);
  });

  it('is a valid AsyncAPI 3 document for @asyncapi/parser, with every event in both directions', async () => {
    const { document, diagnostics } = await new Parser().parse(committed('asyncapi.json'));
    // Severity 0 is an error, 1 a warning (both fail: a third-party tool may reject either).
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
    const names = document!.allMessages().all().map((message) => message.name());
    for (const event of Object.keys(CLIENT_EVENTS)) expect(names).toContain(event);
    for (const event of Object.keys(SERVER_EVENTS)) expect(names).toContain(event);
    for (const type of ['ping', 'pong', 'chat', 'reaction', 'view', 'links']) expect(names).toContain(type);
    // A request has its answer as the operation's reply.
    const join = document!.operations().all().find((operation) => operation.id() === 'sendJoinToServer');
    expect(join?.reply()?.messages().all().map((m) => m.id())).toEqual(['joinAnswer']);
  }, 60_000);

  it('states the payloads as the schemas check them (a sample: the join request)', () => {
    const join = (protocolDocument().channels as Record<string, { messages: Record<string, { payload: Record<string, unknown> }> }>).signaling!.messages.joinToServer!.payload;
    expect(join.required).toEqual(['protocol', 'roomId', 'name', 'media']);
    expect(join.additionalProperties).toBe(false);
    expect(Object.keys(join.properties as object)).toEqual(['protocol', 'roomId', 'name', 'media', 'passcode', 'receiveOnly']);
  });
});
