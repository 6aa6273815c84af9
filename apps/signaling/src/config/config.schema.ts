import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_ROOM_SIZE, IceServerSchema } from '@meshmeet/protocol';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { DEFAULT_HASHER_LIMITS } from '../rooms/passcode.js';
import { DEFAULT_RATE_LIMITS, scaleRateLimits } from '../limits/rate-limit.js';

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

/** Values that ship in examples and must never protect a production deployment. */
export const KNOWN_DEFAULT_SECRETS = new Set(['change-me', 'changeme', 'secret', 'meshmeet', 'please-change-this-secret']);
export const MIN_SECRET_LENGTH = 24;

/**
 * `TRUST_PROXY`: which reverse proxies may tell us the client address in `X-Forwarded-For`, as in
 * Express's `trust proxy`: a number of proxy hops, or a comma-separated list of proxy addresses and
 * CIDR ranges (`loopback`, `linklocal` and `uniquelocal` name the usual ones). The client address is
 * the first untrusted one from the right, so an entry the client wrote itself changes nothing.
 * `true` (trust every hop, which believes the client) is refused.
 */
const trustProxy = z
  .string()
  .transform((text, ctx): TrustedProxies => {
    const value = text.trim().toLowerCase();
    if (value === 'false' || value === '0') return { hops: 0 };
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: 'name the proxies instead of "true" (which trusts addresses the client writes): a hop count such as 1, or addresses such as loopback,10.0.0.0/8',
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) return { hops: Number(value) };
    const addresses = value.split(',').map((item) => item.trim()).filter(Boolean);
    try {
      proxyAddr.compile(addresses);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a hop count or a list of addresses: ${(error as Error).message}` });
      return z.NEVER;
    }
    return { addresses };
  });

export type TrustedProxies = { hops: number } | { addresses: string[] };

const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The address people open (scheme, host, port). Browsers may connect only from it (or ALLOWED_ORIGINS). */
  PUBLIC_URL: origin.optional(),
  MAX_ROOM_SIZE: z.coerce.number().int().min(2).max(50).default(DEFAULT_MAX_ROOM_SIZE),
  ICE_SERVERS: jsonIceServers.default([]),
  /** Extra origins allowed to open a socket (comma-separated); the public origin is always allowed. */
  ALLOWED_ORIGINS: commaList.pipe(z.array(origin)).default([]),
  /** Directory of the built web client; set to an empty string to serve no client (API only). */
  WEB_DIST: z.string().default(DEFAULT_WEB_DIST),
  PING_INTERVAL_MS: z.coerce.number().int().min(1_000).max(60_000).default(10_000),
  PING_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(60_000).default(5_000),
  TRUST_PROXY: trustProxy.default({ hops: 0 }),
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * Multiplies every per-connection message rate and burst (candidates, descriptions, state changes,
   * strikes). 1 in deployments; more for a trusted load generator that must never be throttled.
   */
  MESSAGE_RATE_SCALE: z.coerce.number().min(1).max(10_000).default(1),
  /** Per client address (IPv6: per /64), across instances with Redis. */
  JOINS_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(30),
  NEW_ROOMS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Passcode attempts per address and room; a right passcode gives its attempt back. */
  PASSCODE_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(5),
  TURN_CREDENTIALS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** How long a room's passcode outlives its last member, so nobody else can take the room id. */
  PASSCODE_RETENTION_S: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  /** Unsent bytes a connection may have queued before it is dropped (it resumes once it reads again). */
  MAX_BUFFERED_BYTES_PER_CONNECTION: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(1024 * 1024),
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
  /** A file holding METRICS_TOKEN (the compose stack generates one into a volume). */
  METRICS_TOKEN_FILE: z.string().min(1).optional(),
  /** Serve /metrics on this separate (internal) port instead of the public one. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** How long a participant whose connection dropped stays in its room, waiting to resume. */
  RESUME_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Shared state for several instances, e.g. redis://localhost:6379. Without it everything stays in memory. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/).default('meshmeet:'),
});

export type Env = z.input<typeof EnvSchema>;

/** The environment, validated, as the names the code uses. Its output type is the configuration. */
export const ConfigSchema = EnvSchema.transform((e) => ({
  nodeEnv: e.NODE_ENV,
  port: e.PORT,
  host: e.HOST,
  publicUrl: e.PUBLIC_URL,
  maxRoomSize: e.MAX_ROOM_SIZE,
  iceServers: e.ICE_SERVERS,
  allowedOrigins: e.ALLOWED_ORIGINS,
  webDist: e.WEB_DIST,
  pingIntervalMs: e.PING_INTERVAL_MS,
  pingTimeoutMs: e.PING_TIMEOUT_MS,
  trustProxy: e.TRUST_PROXY,
  maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
  addressBudgets: {
    joinsPerMinute: e.JOINS_PER_MINUTE_PER_ADDRESS,
    newRoomsPerHour: e.NEW_ROOMS_PER_HOUR_PER_ADDRESS,
    passcodeAttemptsPerMinute: e.PASSCODE_ATTEMPTS_PER_MINUTE,
    turnCredentialsPerHour: e.TURN_CREDENTIALS_PER_HOUR_PER_ADDRESS,
  },
  passcodeRetentionMs: e.PASSCODE_RETENTION_S * 1000,
  hasherLimits: DEFAULT_HASHER_LIMITS,
  maxBufferedBytesPerConnection: e.MAX_BUFFERED_BYTES_PER_CONNECTION,
  stunUrls: e.STUN_URLS,
  turnUrls: e.TURN_URLS,
  turnSecret: e.TURN_SECRET,
  turnTtlSeconds: e.TURN_TTL_SECONDS,
  iceTransportPolicy: e.ICE_TRANSPORT_POLICY,
  logLevel: e.LOG_LEVEL,
  logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
  metricsToken: e.METRICS_TOKEN,
  metricsPort: e.METRICS_PORT,
  metricsHost: e.METRICS_HOST,
  shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  resumeGraceMs: e.RESUME_GRACE_MS,
  redisUrl: e.REDIS_URL,
  redisPrefix: e.REDIS_PREFIX,
  /** How long clients wait before reconnecting after a graceful shutdown notice. */
  shutdownReconnectDelayMs: 500,
  /** Per-connection token buckets: the defaults, times MESSAGE_RATE_SCALE. */
  rateLimits: scaleRateLimits(DEFAULT_RATE_LIMITS, e.MESSAGE_RATE_SCALE),
}));

export type AppConfig = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError whose message lists every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings are what `FOO= node main.js` gives; treat them as unset (WEB_DIST='' means "no client").
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  if (present.METRICS_TOKEN === undefined && present.METRICS_TOKEN_FILE !== undefined) {
    try {
      present.METRICS_TOKEN = readFileSync(present.METRICS_TOKEN_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`Invalid configuration:\n  METRICS_TOKEN_FILE: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const problems = [...secretProblems(parsed.data), ...productionProblems(parsed.data)];
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { ...parsed.data, webDist: env.WEB_DIST === '' ? '' : parsed.data.webDist };
}

/** Production needs its public address (the origin check) and a protected metrics endpoint. */
function productionProblems(c: AppConfig): string[] {
  if (c.nodeEnv !== 'production') return [];
  const problems: string[] = [];
  if (c.publicUrl === undefined) problems.push('PUBLIC_URL: required in production, the address people open (e.g. https://meet.example.org)');
  if (c.metricsToken === undefined && c.metricsPort === undefined) {
    problems.push('METRICS_TOKEN or METRICS_PORT: required in production, so /metrics is not public (try `openssl rand -hex 32`)');
  }
  return problems;
}

function isWeakSecret(secret: string | undefined): boolean {
  return secret === undefined || secret.length < MIN_SECRET_LENGTH || KNOWN_DEFAULT_SECRETS.has(secret.toLowerCase());
}

/** Secrets: a TURN server needs its shared secret; in production it must not be weak or an example value. */
function secretProblems(c: AppConfig): string[] {
  if (c.turnUrls.length === 0) {
    return c.iceTransportPolicy === 'relay' ? ['ICE_TRANSPORT_POLICY: relay needs a TURN server (set TURN_URLS and TURN_SECRET)'] : [];
  }
  if (c.turnSecret === undefined) {
    return ["TURN_SECRET: required when TURN_URLS is set (the same value as coturn's static-auth-secret)"];
  }
  if (c.nodeEnv === 'production' && isWeakSecret(c.turnSecret)) {
    return [
      `TURN_SECRET: in production it must be a random value of at least ${MIN_SECRET_LENGTH} characters, not an example value (try \`openssl rand -hex 32\`)`,
    ];
  }
  return [];
}
