import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingHarness } from '../test-support/signaling-harness.js';

const PAGE = '<!doctype html><title>meshmeet</title><div id="app"></div>';

describe('links the router cannot decode', () => {
  let webDist: string;
  let server: SignalingHarness;

  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'meshmeet-web-'));
    writeFileSync(join(webDist, 'index.html'), PAGE);
    server = await SignalingHarness.start({ webDist });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('a room link with broken percent-encoding gets the web app (which explains it), never a JSON error', async () => {
    for (const path of ['/r/%E0%A4%A', '/r/%zz', '/%']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(PAGE);
    }
  });

  it('leaves well-formed links to the app as before', async () => {
    const room = await fetch(`${server.url}/r/team%20standup`);
    expect(room.status).toBe(200);
    expect(await room.text()).toBe(PAGE);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/json/);
  });
});
