import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_ROOM_SIZE, IceServerSchema } from '@meshmeet/protocol';
import { z } from 'zod';

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const jsonIceServers = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array such as [{"urls":"stun:stun.example.org:3478"}]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(IceServerSchema));

const commaList = z
  .string()
  .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean));

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MAX_ROOM_SIZE: z.coerce.number().int().min(2).max(50).default(DEFAULT_MAX_ROOM_SIZE),
  ICE_SERVERS: jsonIceServers.default([]),
  /** Extra origins allowed to open a socket (comma-separated); the server's own origin is always allowed. */
  ALLOWED_ORIGINS: commaList.default([]),
  /** Directory of the built web client; set to an empty string to serve no client (API only). */
  WEB_DIST: z.string().default(DEFAULT_WEB_DIST),
  PING_INTERVAL_MS: z.coerce.number().int().min(1_000).max(60_000).default(10_000),
  PING_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(60_000).default(5_000),
});

export type Env = z.input<typeof EnvSchema>;

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  maxRoomSize: number;
  iceServers: z.infer<typeof IceServerSchema>[];
  allowedOrigins: string[];
  webDist: string;
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message lists every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings are what `FOO= node main.js` gives; treat them as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    maxRoomSize: e.MAX_ROOM_SIZE,
    iceServers: e.ICE_SERVERS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    webDist: env.WEB_DIST === '' ? '' : e.WEB_DIST,
    pingIntervalMs: e.PING_INTERVAL_MS,
    pingTimeoutMs: e.PING_TIMEOUT_MS,
  };
}
