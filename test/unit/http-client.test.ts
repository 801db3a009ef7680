import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAgent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorError } from '../../connectors/sdk/errors';
import { BlockedDestinationError, guardedAgent } from '../../connectors/sdk/guarded-agent';
import { createHttpClient } from '../../connectors/sdk/http';

type Seen = { port: number; method: string; url: string; auth?: string; cookie?: string; body: string };

async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void, seen: Seen[]) {
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ port: (s.address() as AddressInfo).port, method: req.method!, url: req.url!, auth: req.headers.authorization, cookie: req.headers.cookie, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
}

const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ConnectorError);

describe('guarded HTTP client', () => {
  const seen: Seen[] = [];
  let a: Awaited<ReturnType<typeof server>>;
  let b: Awaited<ReturnType<typeof server>>;
  const allow = ['127.0.0.1/32'];

  beforeAll(async () => {
    b = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: 'b', path: req.url }));
    }, seen);
    a = await server((req, res, body) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/to-b') return res.writeHead(302, { location: `${b.url}/landed` }).end();
      if (u.pathname === '/same') return res.writeHead(301, { location: '/final' }).end();
      if (u.pathname === '/see-other') return res.writeHead(303, { location: '/final' }).end();
      if (u.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (u.pathname === '/big') return res.writeHead(200).end(Buffer.alloc(300_000, 'x'));
      if (u.pathname === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 1500);
      if (u.pathname === '/status') return res.writeHead(Number(u.searchParams.get('s')), { 'retry-after': u.searchParams.get('ra') ?? '' }).end(JSON.stringify({ message: 'nope' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, method: req.method, body }));
    }, seen);
  });
  afterAll(() => {
    a.s.close();
    b.s.close();
  });

  const client = (over: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
    createHttpClient({
      baseUrl: `${a.url}/api`,
      vendor: { vendor: 'Acme' },
      egressAllow: allow,
      applyAuth: (r) => void (r.headers.authorization = 'Bearer secret'),
      ...over,
    });

  it('joins base URL and path, adds auth, sends JSON, parses JSON', async () => {
    seen.length = 0;
    const res = await client().request<{ path: string; body: string }>({ method: 'POST', path: '/things', query: { q: 'x y' }, json: { a: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.path).toBe('/api/things?q=x+y');
    expect(JSON.parse(res.body.body)).toEqual({ a: 1 });
    expect(seen[0]!.auth).toBe('Bearer secret');
  });

  it('follows same-origin redirects keeping auth; 303 turns POST into GET', async () => {
    seen.length = 0;
    const res = await client().request<{ path: string; method: string }>({ method: 'POST', url: `${a.url}/see-other`, json: { a: 1 } });
    expect(res.body).toMatchObject({ path: '/final', method: 'GET' });
    expect(seen.map((s) => s.auth)).toEqual(['Bearer secret', 'Bearer secret']);
  });

  it('strips Authorization and Cookie on a cross-origin redirect', async () => {
    seen.length = 0;
    const res = await client().request<{ at: string }>({ url: `${a.url}/to-b`, headers: { cookie: 'sid=1' } });
    expect(res.body.at).toBe('b');
    expect(seen[0]).toMatchObject({ port: Number(new URL(a.url).port), auth: 'Bearer secret', cookie: 'sid=1' });
    expect(seen[1]).toMatchObject({ port: Number(new URL(b.url).port), auth: undefined, cookie: undefined });
  });

  it('also strips auth headers with vendor-specific names on a cross-origin redirect', async () => {
    const raw: string[] = [];
    const probe = http.createServer((req, res) => {
      raw.push(String(req.headers['x-vendor-token']));
      res.end('{}');
    });
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/p`;
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { location: target }).end());
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    try {
      const c2 = createHttpClient({ baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`, vendor: { vendor: 'Acme' }, egressAllow: allow, applyAuth: (r) => void (r.headers['x-vendor-token'] = 'secret') });
      await c2.request({ path: '/start' });
      expect(raw).toEqual(['undefined']);
    } finally {
      probe.close();
      redirecting.close();
    }
  });

  it('never sends auth to another origin than the base URL', async () => {
    seen.length = 0;
    await client().request({ url: `${b.url}/elsewhere` });
    expect(seen[0]!.auth).toBeUndefined();
  });

  it('stops after 5 redirects', async () => {
    seen.length = 0;
    const err = await caught(client().request({ path: '/../loop' }));
    expect(err).toMatchObject({ kind: 'fatal', code: 'too_many_redirects' });
    expect(seen).toHaveLength(6);
  });

  it('refuses an https → http redirect', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('https://api.example.com').intercept({ path: '/x' }).reply(302, '', { headers: { location: 'http://api.example.com/y' } });
    const c = createHttpClient({ baseUrl: 'https://api.example.com', vendor: { vendor: 'Acme' }, egressAllow: [], dispatcher: mock });
    expect(await caught(c.request({ path: '/x' }))).toMatchObject({ kind: 'fatal', code: 'blocked_destination', message: expect.stringContaining('https to http') });
  });

  it('limits the response size', async () => {
    expect(await caught(client({ maxResponseBytes: 100_000 }).request({ url: `${a.url}/big` }))).toMatchObject({ kind: 'fatal', code: 'response_too_large' });
  });

  it('per request: returns a 3xx as it is (redirect: manual) and keeps only the first bytes of a large body (truncateResponse)', async () => {
    seen.length = 0;
    const redirect = await client().request({ url: `${a.url}/to-b`, redirect: 'manual', allowErrorStatus: true });
    expect(redirect).toMatchObject({ status: 302, headers: { location: `${b.url}/landed` } });
    expect(seen.map((x) => x.url)).toEqual(['/to-b']);
    const cut = await client().request({ url: `${a.url}/big`, maxResponseBytes: 1024, truncateResponse: true });
    expect(cut.text).toBe('x'.repeat(1024));
  });

  it('refuses special-use private names even when they do not resolve here (one SSRF policy with outgoing webhooks)', async () => {
    for (const host of ['metadata.google.internal', 'printer.local', 'x.home.arpa']) {
      expect(await caught(client({ egressAllow: [] }).request({ url: `http://${host}/` }))).toMatchObject({ kind: 'fatal', code: 'blocked_destination' });
    }
  });

  it('times out as retryable', async () => {
    expect(await caught(client({ timeoutMs: 300 }).request({ url: `${a.url}/slow` }))).toMatchObject({ kind: 'retryable', code: 'timeout' });
  });

  it('classifies statuses through the table, with Retry-After as seconds or an HTTP date', async () => {
    const s = (code: number, ra = '') => caught(client().request({ url: `${a.url}/status?s=${code}&ra=${encodeURIComponent(ra)}` }));
    expect(await s(500)).toMatchObject({ kind: 'retryable', status: 500, message: '500 from Acme: nope' });
    expect(await s(408)).toMatchObject({ kind: 'retryable' });
    expect(await s(401)).toMatchObject({ kind: 'auth_lost' });
    expect(await s(422)).toMatchObject({ kind: 'invalid_input' });
    expect(await s(418)).toMatchObject({ kind: 'fatal' });
    expect(await s(429, '7')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    const date = new Date(Date.now() + 30_000).toUTCString();
    const byDate = (await s(429, date)) as ConnectorError;
    expect(byDate.retryAfterMs).toBeGreaterThan(25_000);
    expect(byDate.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('lets a connector put rules in front of the defaults', async () => {
    const c = client({ vendor: { vendor: 'Acme', rules: [{ status: 418, kind: 'retryable' }, { status: 500, kind: 'fatal', when: (body) => (body as { message?: string }).message === 'nope' }] } });
    expect(await caught(c.request({ url: `${a.url}/status?s=418` }))).toMatchObject({ kind: 'retryable' });
    expect(await caught(c.request({ url: `${a.url}/status?s=500` }))).toMatchObject({ kind: 'fatal' });
  });

  it('network errors are retryable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await caught(client().request({ url: `http://127.0.0.1:${port}/` }))).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
  });

  it('the agent itself refuses blocked addresses at connect time (no pre-check involved)', async () => {
    const agent = guardedAgent({ egressAllow: [] });
    const err = await undiciRequest(`${a.url}/direct`, { dispatcher: agent }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedDestinationError);
    const viaName = await undiciRequest(`http://localhost:${new URL(a.url).port}/direct`, { dispatcher: agent }).then(() => undefined, (e: unknown) => e);
    expect(viaName).toBeInstanceOf(BlockedDestinationError);
    await agent.close();
  });
});

describe('vendor quirks inside a 2xx', () => {
  it('a rate limit reported in a 200 keeps the Retry-After delay', async () => {
    const s = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'retry-after': '4' }).end(JSON.stringify({ ok: false, error: 'ratelimited' })));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const c = createHttpClient({
        baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        vendor: { vendor: 'Chat', inspect: (r) => ((r.body as { ok?: boolean }).ok === false ? { kind: 'rate_limited', message: 'ratelimited' } : undefined) },
        egressAllow: ['127.0.0.1/32'],
      });
      expect(await caught(c.request({ path: '/x' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 4000, message: 'Chat: ratelimited' });
    } finally {
      s.close();
    }
  });
});
