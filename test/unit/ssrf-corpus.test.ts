import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http as httpConnector } from '../../connectors/http';
import { request } from '../../connectors/http/request';
import { isConnectorError } from '../../connectors/sdk/errors';
import { fakeContext } from '../../connectors/sdk/fake-context';

/** A listener that must never be reached. */
async function listen(host: string): Promise<{ server: http.Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('canary reached');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

async function expectBlocked(url: string, egressAllow: string[] = []) {
  const ctx = fakeContext({ connector: httpConnector.definition, egressAllow, connectionId: null });
  const input = request.input.parse({ method: 'GET', url });
  const err = await request.run(ctx, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `${url} was not refused`).toBeDefined();
  expect(isConnectorError(err) && err.kind, `${url}: ${String(err)}`).toBe('fatal');
  expect(isConnectorError(err) && err.code, `${url}: ${String(err)}`).toBe('blocked_destination');
  expect(String((err as Error).message)).toMatch(/^blocked_destination: /);
}

describe('SSRF corpus through the http.request action (allow-list empty)', () => {
  let canary: Awaited<ReturnType<typeof listen>>;
  let redirector: http.Server;
  let redirectorPort: number;

  beforeAll(async () => {
    canary = await listen('127.0.0.1');
    // A server on another loopback address that is allow-listed on purpose, and redirects to the canary.
    redirector = http.createServer((req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
      res.writeHead(302, { location: to }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.2', resolve));
    redirectorPort = (redirector.address() as AddressInfo).port;
  });
  afterAll(async () => {
    canary.server.close();
    redirector.close();
    expect(canary.hits).toEqual([]);
  });

  const targets = (p: number) => [
    `http://127.0.0.1:${p}/`,
    `http://127.1:${p}/`,
    `http://0x7f.0.0.1:${p}/`,
    `http://017700000001:${p}/`,
    `http://2130706433:${p}/`,
    `http://0177.0.0.1:${p}/`,
    `http://127.000.000.001:${p}/`,
    `http://127.0.0.1.:${p}/`,
    `http://%31%32%37.0.0.1:${p}/`,
    `http://１２７.０.０.１:${p}/`,
    `http://user@127.0.0.1:${p}/`,
    `http://0:${p}/`,
    `http://0.0.0.0:${p}/`,
    `http://[::]:${p}/`,
    `http://[::1]:${p}/`,
    `http://[::ffff:127.0.0.1]:${p}/`,
    `http://[0:0:0:0:0:ffff:127.0.0.1]:${p}/`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[::127.0.0.1]:${p}/`,
    `http://[64:ff9b::7f00:1]:${p}/`,
    `http://[2002:7f00:1::]:${p}/`,
    `http://localhost:${p}/`,
    `http://vm:${p}/`,
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
    'http://[2002:a9fe:a9fe::]/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://100.100.100.200/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://192.0.0.1/',
    'http://198.18.0.1/',
    'http://224.0.0.1/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[ff02::1]/',
    'http://[2001::1]/',
    'http://[::5efe:10.0.0.1]/',
    'http://[2001:db8::1]/',
  ];

  it('refuses at least 30 blocked targets with blocked_destination, and the canary sees nothing', async () => {
    const list = targets(canary.port);
    expect(list.length).toBeGreaterThanOrEqual(30);
    for (const url of list) await expectBlocked(url);
    expect(canary.hits).toEqual([]);
  });

  it('re-checks redirects: an allowed host redirecting to loopback, metadata or an odd form is refused', async () => {
    const allowOnlyRedirector = ['127.0.0.2/32'];
    for (const to of [`http://127.0.0.1:${canary.port}/`, `http://127.1:${canary.port}/`, `http://localhost:${canary.port}/`, 'http://169.254.169.254/latest/meta-data/', `http://[::ffff:127.0.0.1]:${canary.port}/`]) {
      await expectBlocked(`http://127.0.0.2:${redirectorPort}/?to=${encodeURIComponent(to)}`, allowOnlyRedirector);
    }
    expect(canary.hits).toEqual([]);
  });

  it('reaches the canary once loopback is allow-listed (the guard is not blocking everything)', async () => {
    const ctx = fakeContext({ connector: httpConnector.definition, egressAllow: ['127.0.0.1/32'], connectionId: null });
    const out = await request.run(ctx, request.input.parse({ method: 'GET', url: `http://127.0.0.1:${canary.port}/allowed` }));
    expect(out.status).toBe(200);
    expect(canary.hits).toEqual(['GET /allowed']);
    canary.hits.length = 0;
  });

  it('rejects non-http schemes before any request', () => {
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'ftp://example.com/']) {
      expect(request.input.safeParse({ method: 'GET', url }).success, url).toBe(false);
    }
  });
});
