// Writes docs/protocol/ from the built schemas and rules (run through `pnpm --filter @meshmeet/protocol docs`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { protocolDocument, protocolReadme } from '../dist/document.js';

const dir = new URL('../../../docs/protocol/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('asyncapi.json', dir), `${JSON.stringify(protocolDocument(), null, 2)}\n`);
writeFileSync(new URL('README.md', dir), `${protocolReadme()}\n`);
console.log(`wrote ${new URL('asyncapi.json', dir).pathname} and README.md`);
