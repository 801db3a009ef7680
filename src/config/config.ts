import path from 'node:path';
import { z } from 'zod';
import { durationMs } from '../recipe/duration';
import { projectRoot } from '../project-root';

const port = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, { message: `expected a port number` })
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, { message: 'expected a port number' })
    .describe(name);

/** A duration variable like 30s, parsed to milliseconds. */
const durationSetting = (fallback: string, opts: { positive?: boolean } = {}) => z.string().default(fallback).pipe(durationMs(opts));

/** Dynamic config values for a Temporal dev server, by key. */
export type DynamicConfig = Record<string, string | number | boolean>;

/**
 * `KEY=VALUE,KEY=VALUE` for `temporal server start-dev --dynamic-config-value`: each VALUE a JSON
 * number, boolean or "string". Throws naming the first pair that is not one.
 */
export function parseDynamicConfig(text: string): DynamicConfig {
  const settings: DynamicConfig = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, Math.max(eq, 0));
    let value: unknown;
    try {
      value = JSON.parse(pair.slice(eq + 1));
    } catch {
      value = undefined;
    }
    if (!/^[A-Za-z][\w.]*$/.test(key) || !['number', 'boolean', 'string'].includes(typeof value)) {
      throw new Error(`expected a comma list of KEY=VALUE, each VALUE a JSON number, boolean or "string" (e.g. history.transferProcessorMaxPollRPS=100); ${JSON.stringify(pair)} is not one`);
    }
    settings[key] = value as string | number | boolean;
  }
  return settings;
}

const booleanish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every environment variable Switchyard reads. The README's config table mirrors this. */
export const configSchema = z.object({
  PORT: port('PORT').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ message: 'expected an absolute URL like https://switchyard.example.com' }).optional(),
  SWITCHYARD_DATA_DIR: z.string().min(1).default(path.join(projectRoot, 'data')),
  SWITCHYARD_RECIPES_DIR: z.string().min(1).default(path.join(projectRoot, 'recipes')),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, { message: 'expected postgres://… or sqlite:<file>' })
    .refine((v) => v.startsWith('sqlite:') || URL.canParse(v), { message: 'expected a URL like postgres://user:password@host:5432/db (percent-encode reserved characters in the password)' })
    .optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, { message: 'expected host:port' }).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('switchyard'),
  TEMPORAL_API_KEY: z.string().regex(/^\S+$/, { message: 'expected the API key without spaces or line breaks' }).optional(),
  TEMPORAL_TLS: booleanish.default(false),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: port('TEMPORAL_DEV_PORT').default(7233),
  TEMPORAL_UI_PORT: port('TEMPORAL_UI_PORT').default(8233),
  SWITCHYARD_TEMPORAL_SQLITE_SYNC: z.enum(['full', 'normal'], { message: 'expected full or normal' }).default('full'),
  /** Dynamic config of the embedded dev server (README, Performance: the transfer-queue poll rate). */
  SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseDynamicConfig(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  TEMPORAL_CLI: z.string().min(1).optional(),
  SWITCHYARD_NAMESPACE_CHECK: z.enum(['fail', 'wait'], { message: 'expected fail or wait' }).default('fail'),
  SWITCHYARD_BUILD_ID: z.string().regex(/^[A-Za-z0-9@+._:-]{1,255}$/, { message: 'expected 1–255 letters, digits or @+._:- (e.g. a release tag or git sha)' }).optional(),
  SWITCHYARD_SECRET_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'expected 32 random bytes in base64 (openssl rand -base64 32)' })
    .optional(),
  SWITCHYARD_SECRET_KEYS_PREVIOUS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean))
    .refine((list) => list.every((k) => /^[A-Za-z0-9+/]{43}=$/.test(k)), { message: 'expected a comma list of retired SWITCHYARD_SECRET_KEY values (base64, 32 bytes each)' }),
  SWITCHYARD_EGRESS_ALLOW: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .refine((list) => list.every((c) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)), { message: 'expected a comma list of CIDRs like 127.0.0.0/8,::1/128' }),
  SWITCHYARD_WEBHOOK_MAX_BYTES: z.string().regex(/^\d+$/, { message: 'expected a number of bytes' }).transform(Number).default(1_048_576),
  SWITCHYARD_HTTP_REQUEST_TIMEOUT: durationSetting('30s'),
  /** How long the API waits on SIGTERM for requests in flight (acknowledgements) before closing their sockets. */
  SWITCHYARD_API_SHUTDOWN_GRACE: durationSetting('10s'),
  /** How long the worker drains activities in flight on SIGTERM before cancelling them (≥ the longest step timeout). */
  SWITCHYARD_WORKER_SHUTDOWN_GRACE: durationSetting('2m'),
  /** Runs the worker keeps in memory between their workflow tasks; an evicted run replays its history on its next task. */
  SWITCHYARD_WORKER_CACHED_RUNS: z.string().regex(/^\d+$/, { message: 'expected a number of runs, e.g. 200' }).transform(Number).refine((n) => n >= 2, { message: 'expected at least 2 runs' }).default(200),
  /** Connector calls (activities) one worker runs at once. */
  SWITCHYARD_WORKER_CONCURRENT_CALLS: z.string().regex(/^[1-9]\d*$/, { message: 'expected a number of calls, e.g. 100' }).transform(Number).default(100),
  /** How long finished outgoing-webhook messages (payload, deliveries, attempts) are kept for redelivery and recovery. */
  SWITCHYARD_WEBHOOK_LOG_RETENTION: durationSetting('30d', { positive: true }),
  /** How long the inbound delivery log (every request to /hooks/…, its outcome and sealed body) is kept; `0` (or `off`, `0s`) records nothing. */
  SWITCHYARD_INBOUND_LOG_RETENTION: z
    .string()
    .default('7d')
    .transform((v) => (v === '0' || v === 'off' ? '0s' : v))
    .pipe(durationMs()),
  SWITCHYARD_PAYLOAD_REF_BYTES: z.string().regex(/^\d+$/, { message: 'expected a number of bytes' }).transform(Number).default(131_072),
  /** Above this many accepted events waiting for their runs to start, the ingress answers 503 + Retry-After. */
  SWITCHYARD_INBOX_MAX_ROWS: z.string().regex(/^[1-9]\d*$/, { message: 'expected a number of events, e.g. 100000' }).transform(Number).default(100_000),
  /** Once the oldest waiting event is older than this, the ingress answers 503 + Retry-After. */
  SWITCHYARD_INBOX_MAX_AGE: durationSetting('1h', { positive: true }),
  /** How often the inbox dispatcher retries what is left (a Temporal outage, a process killed after the commit). */
  SWITCHYARD_INBOX_SWEEP: durationSetting('1s', { positive: true }),
  /**
   * Run starts the inbox dispatcher has in flight at once, per API process. One keeps the starts at
   * the pace the workers take the runs (see startInbox); raise it where each start waits on a
   * distant Temporal (tens of ms), or the dispatcher's start rate caps the runs.
   */
  SWITCHYARD_INBOX_STARTS_IN_FLIGHT: z.string().regex(/^[1-9]\d*$/, { message: 'expected a number of run starts, e.g. 1' }).transform(Number).default(1),
  SWITCHYARD_ENGINE_EVENTS_POLL: durationSetting('5s'),
  SWITCHYARD_RUN_EVENTS_LAG: durationSetting('10s'),
  SWITCHYARD_ADMIN_TOKEN: z.string().min(32, { message: 'expected at least 32 characters (openssl rand -base64 32)' }).optional(),
  SWITCHYARD_API_RATE_LIMIT: z.string().regex(/^[1-9]\d*$/, { message: 'expected requests per minute per token, e.g. 1000' }).transform(Number).default(1000),
  SWITCHYARD_API_RATE_BURST: z.string().regex(/^\d+$/, { message: 'expected extra requests per hour per token above the per-minute limit, e.g. 100' }).transform(Number).default(0),
  /** Deliveries per minute per hook URL (`/hooks/<connection>`, known or not), counted before the connection's credentials are decrypted. */
  SWITCHYARD_HOOKS_RATE_LIMIT: z.string().regex(/^[1-9]\d*$/, { message: 'expected deliveries per minute per hook URL, e.g. 6000' }).transform(Number).default(6000),
  /** Failed console sign-ins (`POST /api/v1/session` with a wrong token) per minute per client address; a successful one does not count. */
  SWITCHYARD_SIGNIN_RATE_LIMIT: z.string().regex(/^[1-9]\d*$/, { message: 'expected failed sign-ins per minute per client address, e.g. 10' }).transform(Number).default(10),
  SWITCHYARD_TOKEN_ROTATION_GRACE: durationSetting('1h'),
  /** How long a console session (signed in with an API token) lasts; it also ends when its token is revoked or expires. */
  SWITCHYARD_SESSION_TTL: durationSetting('12h', { positive: true }),
  /** Parsed to milliseconds: how long a run's step waits for a paused or disconnected connection before it fails. */
  SWITCHYARD_CONNECTION_WAIT_LIMIT: durationSetting('72h', { positive: true }),
  SWITCHYARD_IDENTITY_SECRET: z.string().min(16, { message: 'expected the identity verification secret (at least 16 characters)' }).optional(),
  SWITCHYARD_CODEC_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((s) => (s === undefined ? undefined : s.split(',').map((o) => o.trim()).filter(Boolean)))
    .refine((list) => list === undefined || list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), { message: 'expected a comma list of origins like http://localhost:8233' }),
  SWITCHYARD_API_URL: z.url({ message: 'expected the API base URL, e.g. http://127.0.0.1:3000' }).optional(),
  SWITCHYARD_API_TOKEN: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * One OAuth app (Connect, the authorization-code flow) from `SWITCHYARD_OAUTH_<APP>_…`: the client
 * registered with the vendor, and overrides of the connector's consent page and token endpoint
 * (a sandbox or test authorization server).
 */
const oauthAppSchema = z.strictObject({
  CLIENT_ID: z.string().min(1).optional(),
  CLIENT_SECRET: z.string().min(1).optional(),
  AUTHORIZE_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL of the consent page' }).optional(),
  TOKEN_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL of the token endpoint' }).optional(),
});
const oauthVariable = /^SWITCHYARD_OAUTH_([A-Z0-9]+(?:_[A-Z0-9]+)*?)_(CLIENT_ID|CLIENT_SECRET|AUTHORIZE_URL|TOKEN_URL)$/;

export interface OAuthApp {
  clientId?: string;
  clientSecret?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
}

export type Config = z.output<typeof configSchema> & {
  /** Derived: embedded Temporal dev server when no TEMPORAL_ADDRESS is given. */
  embeddedTemporal: boolean;
  databaseUrl: string;
  /** `SWITCHYARD_OAUTH_<APP>_CLIENT_ID` / `_CLIENT_SECRET` / `_AUTHORIZE_URL` / `_TOKEN_URL`, by `<APP>` (e.g. `SALESFORCE`, `GOOGLE`). */
  oauthApps: Record<string, OAuthApp>;
};

/** The `SWITCHYARD_OAUTH_*` variables grouped by app; every bad one is named. */
function parseOAuthApps(present: Record<string, string | undefined>, problems: string[]): Record<string, OAuthApp> {
  const grouped: Record<string, Record<string, string>> = {};
  for (const [name, value] of Object.entries(present)) {
    if (!name.startsWith('SWITCHYARD_OAUTH_') || value === undefined) continue;
    const match = oauthVariable.exec(name);
    if (!match) {
      problems.push(`${name}: expected SWITCHYARD_OAUTH_<APP>_CLIENT_ID, _CLIENT_SECRET, _AUTHORIZE_URL or _TOKEN_URL (APP in capitals, e.g. SALESFORCE, GOOGLE)`);
      continue;
    }
    (grouped[match[1]!] ??= {})[match[2]!] = value;
  }
  const apps: Record<string, OAuthApp> = {};
  for (const [app, fields] of Object.entries(grouped)) {
    const result = oauthAppSchema.safeParse(fields);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const name = `SWITCHYARD_OAUTH_${app}_${String(issue.path[0])}`;
        problems.push(`${name}: ${issue.message}, ${given(name, fields[String(issue.path[0])] ?? '')}`);
      }
      continue;
    }
    const { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, AUTHORIZE_URL: authorizeUrl, TOKEN_URL: tokenUrl } = result.data;
    apps[app] = { clientId, clientSecret, authorizeUrl, tokenUrl };
  }
  return apps;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Variables that are (or carry) a secret: a problem says what is wrong and how long the value is, never what it is. */
const secretVariables = new Set(['SWITCHYARD_ADMIN_TOKEN', 'SWITCHYARD_SECRET_KEY', 'SWITCHYARD_SECRET_KEYS_PREVIOUS', 'SWITCHYARD_IDENTITY_SECRET', 'TEMPORAL_API_KEY', 'SWITCHYARD_API_TOKEN']);

/** What was given, as far as it may be shown: a database URL only by its scheme and host (its password stays out). */
function given(name: string, value: string): string {
  const length = `${value.length} characters`;
  if (secretVariables.has(name) || name.endsWith('_CLIENT_SECRET')) return `got ${length} (not shown: a secret)`;
  if (name !== 'DATABASE_URL') return `got ${JSON.stringify(value)}`;
  try {
    const url = new URL(value);
    return `got ${length} for ${url.protocol}//${url.host} (the rest not shown: it may carry a password)`;
  } catch {
    return `got ${length} (not shown: it may carry a password)`;
  }
}

/** Parses the injected environment once; every bad variable is named, with what was given (secrets only by length). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = present[name];
      return `${name}: ${issue.message}${value === undefined ? '' : `, ${given(name, value)}`}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const cfg = result.data;
  const problems: string[] = [];
  const databaseUrl = cfg.DATABASE_URL ?? `sqlite:${path.join(cfg.SWITCHYARD_DATA_DIR, 'switchyard.db')}`;
  if (databaseUrl.startsWith('postgres') && !cfg.SWITCHYARD_SECRET_KEY) {
    problems.push('SWITCHYARD_SECRET_KEY: required when DATABASE_URL points at PostgreSQL (openssl rand -base64 32)');
  }
  if (Boolean(cfg.TEMPORAL_TLS_CERT) !== Boolean(cfg.TEMPORAL_TLS_KEY)) {
    problems.push('TEMPORAL_TLS_CERT: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be given together');
  }
  const oauthApps = parseOAuthApps(present, problems);
  if (problems.length) throw new ConfigError(problems);
  return { ...cfg, embeddedTemporal: !cfg.TEMPORAL_ADDRESS, databaseUrl, oauthApps };
}
