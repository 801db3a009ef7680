import { errors as undiciErrors, request as undiciRequest, type Dispatcher } from 'undici';
import { secretsOfHeader, withoutSecrets } from './applied-secrets';
import { classifyResponse, rateLimitWaitMs } from './classify';
import { ConnectorError, isConnectorError } from './errors';
import { BlockedDestinationError, sharedGuardedAgent } from './guarded-agent';
import type { HttpClient, HttpRequest, HttpResponse } from './http-types';
import { blockedDestination, egressPolicy, portOf } from './ssrf';
import type { OutgoingRequest, VendorProfile } from './types';

export interface HttpClientOptions {
  /** The connection's (or connector's) base URL; relative paths resolve against it. */
  baseUrl?: string | null;
  /** The vendor's further API hosts by name (Dropbox's content host): `request({ host, path })` resolves against one; auth applies there too. */
  hosts?: Readonly<Record<string, string>>;
  vendor: VendorProfile;
  /** CIDRs from SWITCHYARD_EGRESS_ALLOW. */
  egressAllow: readonly string[];
  /** Adds auth to a request bound for the base URL's origin (never to another origin). */
  applyAuth?(req: OutgoingRequest): void | Promise<void>;
  /** Called once on a 401: refresh the credentials (OAuth2) and return true to retry the request. */
  onUnauthorized?(): Promise<boolean>;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  /** Injected for tests; defaults to the shared guarded agent for `egressAllow`. */
  dispatcher?: Dispatcher;
  userAgent?: string;
}

const defaultTimeoutMs = 30_000;
const defaultMaxResponseBytes = 10 * 1024 * 1024;
const sensitiveHeaders = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];

function joinUrl(base: string, path: string): URL {
  if (/^https?:\/\//i.test(path)) return new URL(path);
  return new URL(`${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** At most `limit` bytes of the body; beyond it either the first `limit` bytes (the rest is never read) or a fatal error. */
async function readLimited(body: Dispatcher.ResponseData['body'], limit: number, url: string, truncate: boolean): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      if (truncate) return Buffer.concat(chunks).subarray(0, limit);
      throw new ConnectorError('fatal', `response from ${new URL(url).origin} exceeds ${limit} bytes`, { code: 'response_too_large' });
    }
  }
  return Buffer.concat(chunks);
}

function parseBody(buf: Buffer, contentType: string | undefined): { text: string; body: unknown } {
  const text = buf.toString('utf8');
  if (text && (contentType?.includes('json') || /^\s*[[{]/.test(text))) {
    try {
      return { text, body: JSON.parse(text) };
    } catch {
      /* not JSON after all */
    }
  }
  return { text, body: text };
}

function checkScheme(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw blockedDestination(url.protocol, 'only http and https are allowed');
  }
}

/** Network-level failure → a classified error (blocked → fatal; timeouts and resets → retryable). */
function classifyNetworkError(err: unknown, url: URL, timedOut: boolean): ConnectorError {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof BlockedDestinationError) return e.toConnectorError();
    if (isConnectorError(e)) return e;
  }
  const e = err as { code?: string; message?: string };
  if (timedOut || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || err instanceof undiciErrors.ConnectTimeoutError) {
    return new ConnectorError('retryable', `timeout calling ${url.origin}`, { code: 'timeout', cause: err });
  }
  return new ConnectorError('retryable', `network error calling ${url.origin}: ${e.code ?? e.message ?? String(err)}`, { code: e.code ?? 'network_error', cause: err });
}

/** The one HTTP client: base URL, auth, SSRF guard at connect time, manual redirects, limits, classification. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const policy = egressPolicy(opts.egressAllow);
  const dispatcher = opts.dispatcher ?? sharedGuardedAgent(opts.egressAllow);
  const maxRedirects = opts.maxRedirects ?? 5;
  // Auth goes only to the vendor's own origins (none configured: wherever the request goes).
  const authOrigins = new Set([opts.baseUrl, ...Object.values(opts.hosts ?? {})].filter((u): u is string => !!u).map((u) => new URL(u).origin));
  const mayAuth = (u: URL) => authOrigins.size === 0 || authOrigins.has(u.origin);

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const target = req.url ?? req.path;
    if (!target) throw new ConnectorError('invalid_input', 'request needs a path or url', { field: 'url' });
    const base = req.host === undefined ? opts.baseUrl : opts.hosts?.[req.host];
    if (req.host !== undefined && !base) throw new ConnectorError('fatal', `no API host named "${req.host}" is configured`, { code: 'unknown_host' });
    let url: URL;
    try {
      url = req.url || /^https?:\/\//i.test(target) || !base ? new URL(target) : joinUrl(base, target);
    } catch {
      throw new ConnectorError('invalid_input', `not a valid URL: ${target}`, { field: 'url' });
    }
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));

    const method: string = req.method ?? (req.json !== undefined || req.form || req.body !== undefined ? 'POST' : 'GET');
    const headers: Record<string, string> = { 'user-agent': opts.userAgent ?? 'switchyard/0.1', ...lower(opts.vendor.headers), ...lower(req.headers) };
    let body: string | Buffer | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }

    const wantsAuth = req.auth !== false && !!opts.applyAuth && mayAuth(url);
    // Headers the auth added (whatever their name) are dropped with the standard ones on a cross-origin hop.
    const authHeaderNames = new Set<string>(sensitiveHeaders);
    // What the auth sent, so a vendor error that quotes the request back cannot carry it into messages.
    const applied = new Set<string>();
    const authedHeaders = async (u: URL) => {
      const h = { ...headers };
      if (wantsAuth) {
        const params = new URLSearchParams(u.searchParams);
        const out: OutgoingRequest = { url: u, headers: h };
        await opts.applyAuth!(out);
        for (const [k, v] of Object.entries(h)) if (headers[k] !== v) authHeaderNames.add(k);
        for (const [k, v] of u.searchParams) if (params.get(k) !== v) applied.add(v);
      }
      for (const name of authHeaderNames) if (h[name]) secretsOfHeader(h[name]).forEach((v) => applied.add(v));
      return h;
    };

    const timeoutMs = req.timeoutMs ?? opts.timeoutMs ?? defaultTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let refreshed = false;

    for (;;) {
      let current = new URL(url);
      let currentMethod = method;
      let currentBody = body;
      let currentHeaders = await authedHeaders(current);
      let crossedOrigin = false;
      for (let hop = 0; ; hop++) {
        checkScheme(current);
        const literal = current.hostname.replace(/^\[|\]$/g, '');
        if (/^[\d.]+$|:/.test(literal)) {
          const why = policy.check(literal, portOf(current));
          if (why) throw blockedDestination(literal, why);
        }
        let res: Dispatcher.ResponseData;
        try {
          res = await undiciRequest(current, {
            method: currentMethod,
            headers: currentHeaders,
            body: currentBody,
            dispatcher,
            signal,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          });
        } catch (err) {
          if (opts.signal?.aborted) throw opts.signal.reason ?? err;
          throw classifyNetworkError(err, current, timeout.aborted);
        }
        const resHeaders = flattenHeaders(res.headers);
        const location = resHeaders.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && location && res.statusCode !== 304 && req.redirect !== 'manual') {
          res.body.resume();
          if (hop >= maxRedirects) throw new ConnectorError('fatal', `too many redirects (more than ${maxRedirects}) from ${url.origin}`, { code: 'too_many_redirects' });
          const next = new URL(location, current);
          checkScheme(next);
          if (current.protocol === 'https:' && next.protocol === 'http:') {
            throw blockedDestination(next.origin, 'redirect from https to http refused');
          }
          if (next.origin !== current.origin) {
            crossedOrigin = true;
            for (const h of authHeaderNames) delete currentHeaders[h];
          }
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && currentMethod === 'POST')) {
            currentMethod = 'GET';
            currentBody = undefined;
            delete currentHeaders['content-type'];
          }
          // Auth is re-applied only when the redirect stays on the base URL's origin.
          if (!crossedOrigin && wantsAuth && mayAuth(next)) currentHeaders = await authedHeaders(next);
          current = next;
          continue;
        }
        let buf: Buffer;
        try {
          buf = await readLimited(res.body, req.maxResponseBytes ?? opts.maxResponseBytes ?? defaultMaxResponseBytes, current.href, req.truncateResponse === true);
        } catch (err) {
          if (isConnectorError(err)) throw err;
          if (opts.signal?.aborted) throw opts.signal.reason ?? err;
          throw classifyNetworkError(err, current, timeout.aborted);
        }
        const parsed = parseBody(buf, resHeaders['content-type']);
        const response: HttpResponse<T> = { status: res.statusCode, headers: resHeaders, body: parsed.body as T, text: parsed.text, bytes: buf, url: current.href };
        if (res.statusCode === 401 && wantsAuth && !refreshed && opts.onUnauthorized) {
          refreshed = true;
          if (await opts.onUnauthorized()) break; // retry the whole request with fresh credentials
        }
        if (res.statusCode < 200 || res.statusCode >= 300) {
          if (req.allowErrorStatus) return response;
          throw classifyResponse(response, opts.vendor, Date.now(), applied);
        }
        const quirk = opts.vendor.inspect?.(response);
        if (quirk) {
          throw new ConnectorError(quirk.kind, `${opts.vendor.vendor}: ${withoutSecrets(quirk.message, applied)}`, {
            status: res.statusCode,
            code: quirk.code,
            field: quirk.field,
            retryAfterMs: quirk.kind === 'rate_limited' ? rateLimitWaitMs(response, opts.vendor, Date.now()) : undefined,
          });
        }
        return response;
      }
    }
  }

  return { request };
}

function lower(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}
