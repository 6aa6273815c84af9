import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to, and decides so when a schema
// is *defined*. Our Content-Security-Policy forbids eval, and even zod's guarded probe for it is
// reported as a violation. This module is imported first by main.ts so it runs before any schema
// (e.g. @meshmeet/protocol) is created.
z.config({ jitless: true });
