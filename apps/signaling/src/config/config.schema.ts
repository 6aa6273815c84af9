import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_ROOM_SIZE, IceServerSchema } from '@meshmeet/protocol';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../signaling/rate-limit.js';

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

const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** Values that ship in examples and must never protect a production deployment. */
export const KNOWN_DEFAULT_SECRETS = new Set(['change-me', 'changeme', 'secret', 'meshmeet', 'please-change-this-secret']);
export const MIN_SECRET_LENGTH = 24;

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
  /** Trust X-Forwarded-For from a reverse proxy for the client address (per-IP limits). */
  TRUST_PROXY: bool.default(false),
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  STUN_URLS: commaList.default([]),
  TURN_URLS: commaList.default([]),
  /** Shared with coturn (`static-auth-secret`); used to mint short-lived credentials, never sent to browsers. */
  TURN_SECRET: z.string().optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  /** `relay` forces every peer connection through TURN, so participants never learn each other's addresses. */
  ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How long a participant whose connection dropped stays in its room, waiting to resume. */
  RESUME_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Shared state for several instances, e.g. redis://localhost:6379. Without it everything stays in memory. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/).default('meshmeet:'),
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
  trustProxy: boolean;
  maxConnectionsPerIp: number;
  stunUrls: string[];
  turnUrls: string[];
  turnSecret: string | undefined;
  turnTtlSeconds: number;
  iceTransportPolicy: 'all' | 'relay';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'json' | 'pretty';
  metricsToken: string | undefined;
  shutdownTimeoutMs: number;
  resumeGraceMs: number;
  redisUrl: string | undefined;
  redisPrefix: string;
  /** How long clients wait before reconnecting after a graceful shutdown notice. */
  shutdownReconnectDelayMs: number;
  /** Per-connection token buckets; tests scale them, deployments keep the defaults. */
  rateLimits: RateLimits;
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
  const problems = secretProblems(e);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
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
    trustProxy: e.TRUST_PROXY,
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    stunUrls: e.STUN_URLS,
    turnUrls: e.TURN_URLS,
    turnSecret: e.TURN_SECRET,
    turnTtlSeconds: e.TURN_TTL_SECONDS,
    iceTransportPolicy: e.ICE_TRANSPORT_POLICY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    resumeGraceMs: e.RESUME_GRACE_MS,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    shutdownReconnectDelayMs: 500,
    rateLimits: DEFAULT_RATE_LIMITS,
  };
}

function isWeakSecret(secret: string | undefined): boolean {
  return secret === undefined || secret.length < MIN_SECRET_LENGTH || KNOWN_DEFAULT_SECRETS.has(secret.toLowerCase());
}

/** Secrets: a TURN server needs its shared secret; in production it must not be weak or an example value. */
function secretProblems(e: z.infer<typeof EnvSchema>): string[] {
  if (e.TURN_URLS.length === 0) {
    return e.ICE_TRANSPORT_POLICY === 'relay' ? ['ICE_TRANSPORT_POLICY: relay needs a TURN server (set TURN_URLS and TURN_SECRET)'] : [];
  }
  if (e.TURN_SECRET === undefined) {
    return ["TURN_SECRET: required when TURN_URLS is set (the same value as coturn's static-auth-secret)"];
  }
  if (e.NODE_ENV === 'production' && isWeakSecret(e.TURN_SECRET)) {
    return [
      `TURN_SECRET: in production it must be a random value of at least ${MIN_SECRET_LENGTH} characters, not an example value (try \`openssl rand -hex 32\`)`,
    ];
  }
  return [];
}
