import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON or form body; undefined when empty or unparsable (see `bodyError`). */
  body: unknown;
  bodyError?: string;
  params: Record<string, string>;
  /** ms since epoch, when the request arrived. */
  at: number;
}

export interface FakeResponse {
  status: number;
  json?: unknown;
  text?: string;
  /** A binary body (a gzipped download), sent as is. */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** The failures every vendor fake can be told to produce, each in that vendor's own shape. */
export interface VendorFailures {
  serverError(): FakeResponse;
  rateLimited(retryAfterSeconds: number): FakeResponse;
  unauthorized(): FakeResponse;
}

export type Programmed =
  | { kind: 'server_error' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'unauthorized' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'respond'; response: FakeResponse }
  /** The vendor applies the request, then the connection drops before any response (a lost answer). */
  | { kind: 'apply_then_drop' }
  /**
   * The request is answered as `then` says (by the routes when absent), and `run` runs before the
   * answer goes out: something happens on the caller's side meanwhile (its database goes away).
   */
  | { kind: 'meanwhile'; run: () => Promise<void>; then?: Exclude<Programmed, { kind: 'meanwhile' }> };

/** What `handle` answers when the connection is to be dropped instead of answered. */
const drop = Symbol('drop');

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/**
 * The one fake-vendor framework: an HTTP server on port 0 that records every request, checks
 * auth, routes to vendor handlers, and can be told to fail the next N requests.
 */
export class FakeServer {
  readonly requests: FakeRequest[] = [];
  private routes: Route[] = [];
  private queue: { programmed: Programmed; only?: { method: string; path: string } }[] = [];
  private server?: http.Server;
  url = '';

  constructor(
    private readonly opts: {
      failures: VendorFailures;
      /** Parse form bodies as well as JSON (Slack accepts both). */
      forms?: boolean;
    },
  ) {}

  /** A rejection (the vendor's 401, in its shape) or undefined when the request is authenticated; fakes of vendors that check credentials override it. */
  protected authenticate(_req: FakeRequest): FakeResponse | undefined {
    return undefined;
  }

  route(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/:([A-Za-z]+)/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The next `times` requests fail this way (after auth and recording); with `only`, the next requests with that method and path (a prefix when it ends in `*`). */
  fail(p: Programmed, times = 1, only?: { method: string; path: string }): this {
    for (let i = 0; i < times; i++) this.queue.push({ programmed: p, ...(only ? { only } : {}) });
    return this;
  }

  /** Requests matching method and path (path may be a prefix ending in `*`). */
  received(method: string, path: string): FakeRequest[] {
    return this.requests.filter((r) => matches(r, method, path));
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks).toString('utf8'))
          .then((r) => (r === drop ? req.socket.destroy() : send(res, r)))
          .catch((err: unknown) => send(res, { status: 500, text: `fake crashed: ${String(err)}` }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, rawBody: string): Promise<FakeResponse | typeof drop> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const fr: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, body: undefined, params: {}, at: Date.now() };
    const type = req.headers['content-type'] ?? '';
    if (rawBody) {
      if (type.includes('json')) {
        try {
          fr.body = JSON.parse(rawBody);
        } catch (err) {
          fr.bodyError = (err as Error).message;
        }
      } else if (this.opts.forms && type.includes('x-www-form-urlencoded')) {
        fr.body = Object.fromEntries(new URLSearchParams(rawBody));
      }
    }
    this.requests.push(fr);
    const denied = this.authenticate(fr);
    if (denied) return denied;
    const at = this.queue.findIndex((q) => !q.only || matches(fr, q.only.method, q.only.path));
    const programmed = at < 0 ? undefined : this.queue.splice(at, 1)[0]!.programmed;
    if (programmed?.kind === 'meanwhile') {
      const answer = await this.programmedAnswer(fr, programmed.then);
      await programmed.run();
      return answer;
    }
    return this.programmedAnswer(fr, programmed);
  }

  private async programmedAnswer(fr: FakeRequest, programmed: Exclude<Programmed, { kind: 'meanwhile' }> | undefined): Promise<FakeResponse | typeof drop> {
    if (programmed?.kind === 'apply_then_drop') {
      await this.dispatch(fr);
      return drop;
    }
    if (programmed) {
      switch (programmed.kind) {
        case 'server_error':
          return this.opts.failures.serverError();
        case 'rate_limited':
          return this.opts.failures.rateLimited(programmed.retryAfterSeconds);
        case 'unauthorized':
          return this.opts.failures.unauthorized();
        case 'respond':
          return programmed.response;
        case 'slow':
          await new Promise((r) => setTimeout(r, programmed.delayMs));
          break;
      }
    }
    return this.dispatch(fr);
  }

  private async dispatch(fr: FakeRequest): Promise<FakeResponse> {
    for (const route of this.routes) {
      const m = route.method === fr.method ? route.pattern.exec(fr.path) : null;
      if (!m) continue;
      route.names.forEach((n, i) => (fr.params[n] = decodeURIComponent(m[i + 1]!)));
      return route.handler(fr);
    }
    return { status: 404, json: { error: `fake: no route for ${fr.method} ${fr.path}` } };
  }
}

function matches(r: FakeRequest, method: string, path: string): boolean {
  return r.method === method && (path.endsWith('*') ? r.path.startsWith(path.slice(0, -1)) : r.path === path);
}

function send(res: http.ServerResponse, r: FakeResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...r.headers };
  let payload: string | Buffer = '';
  if (r.bytes !== undefined) {
    payload = r.bytes;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (r.text !== undefined) {
    payload = r.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  res.writeHead(r.status, headers);
  res.end(payload);
}

/** `Authorization: Bearer <token>` with one of `tokens`, else undefined. */
export function bearerToken(req: FakeRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice('Bearer '.length) : undefined;
}

/** Decoded HTTP Basic credentials, or undefined. */
export function basicCredentials(req: FakeRequest): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}
