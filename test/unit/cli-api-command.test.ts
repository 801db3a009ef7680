import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { ApiClient } from '../../src/cli/remote/api-client';
import { alreadyPrinted, apiCommand, deleteCommand, listCommand, showCommand, type ApiCommandContext } from '../../src/cli/remote/api-command';
import { table, tableLines } from '../../src/cli/remote/output';

describe('apiCommand: the one shape of a remote CLI command', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        if (req.url === '/things') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ things: [{ id: 'a', tags: ['x', 'y'], note: null }, { id: 'bb', tags: [], note: 'hi' }] }));
        if (req.url === '/empty') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ things: [] }));
        if (req.method === 'DELETE') return res.writeHead(204).end();
        if (req.url?.startsWith('/things/')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: decodeURIComponent(req.url.slice(8)), n: 1 }));
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  type Thing = { id: string; tags?: string[]; note?: string | null };

  /** A program with list/show/rename/export commands over the test server; returns the printed lines. */
  async function run(...argv: string[]): Promise<{ lines: string[]; clientOpts: unknown[] }> {
    const lines: string[] = [];
    const clientOpts: unknown[] = [];
    const ctx: ApiCommandContext = {
      client: (opts) => (clientOpts.push({ ...opts }), new ApiClient(opts.url ?? baseUrl, opts.token ?? 'default-token')),
      print: (line) => lines.push(line),
    };
    const program = new Command().exitOverride();
    const things = program.command('things');
    apiCommand<{ empty?: boolean }, Thing[]>(things.command('list').option('--empty'), ctx, async ({ client, opts }) => (await client.request<{ things: Thing[] }>('GET', opts.empty ? '/empty' : '/things')).things, table(['id', 'tags', 'note'], 'no things'));
    apiCommand(things.command('show <id>'), ctx, ({ client }, id) => client.request('GET', `/things/${encodeURIComponent(id)}`));
    apiCommand<{ to: string }, Thing>(
      things.command('rename <id> <name>').requiredOption('--to <where>'),
      ctx,
      ({ client }, id) => client.request('GET', `/things/${encodeURIComponent(id)}`),
      (answer, opts, id, name) => [`${answer.id}=${id} → ${name}`, `to ${opts.to}`],
    );
    apiCommand(things.command('export'), ctx, async ({ print }) => {
      print('raw line');
      return alreadyPrinted;
    });
    await program.parseAsync(['node', 'switchyard', 'things', ...argv]);
    return { lines, clientOpts };
  }

  it('a list prints aligned columns under upper-cased headers, arrays joined, null as -', async () => {
    expect((await run('list')).lines).toEqual(['ID  TAGS  NOTE', 'a   x,y   -', 'bb        hi']);
    expect((await run('list', '--empty')).lines).toEqual(['no things']);
  });

  it('--json prints the answer as one JSON document (a list: its rows as they came)', async () => {
    const { lines } = await run('list', '--json');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual([{ id: 'a', tags: ['x', 'y'], note: null }, { id: 'bb', tags: [], note: 'hi' }]);
    expect(await run('rename', 'a', 'b', '--to', 'here', '--json')).toMatchObject({ lines: ['{"id":"a","n":1}'] });
  });

  it('without a text, the answer is pretty JSON; --json makes it compact', async () => {
    expect((await run('show', 'x y')).lines).toEqual([JSON.stringify({ id: 'x y', n: 1 }, null, 2)]);
    expect((await run('show', 'x y', '--json')).lines).toEqual(['{"id":"x y","n":1}']);
  });

  it('the text gets the answer, the options and every positional argument', async () => {
    expect((await run('rename', 'a', 'b', '--to', 'here')).lines).toEqual(['a=a → b', 'to here']);
  });

  it('--url and --token choose the client; the request goes there with that token', async () => {
    seen.length = 0;
    const { clientOpts } = await run('show', 'q', '--url', baseUrl, '--token', 'sy_given');
    expect(clientOpts).toEqual([{ url: baseUrl, token: 'sy_given' }]);
    expect(seen).toEqual([{ method: 'GET', url: '/things/q', auth: 'Bearer sy_given', body: '' }]);
  });

  it('a request that printed by itself is not printed again, with or without --json', async () => {
    expect((await run('export')).lines).toEqual(['raw line']);
    expect((await run('export', '--json')).lines).toEqual(['raw line']);
  });

  it('API errors reach the caller as ApiError with the status and code', async () => {
    const lines: string[] = [];
    const ctx: ApiCommandContext = { client: () => new ApiClient(baseUrl, 't'), print: (l) => lines.push(l) };
    const program = new Command().exitOverride();
    apiCommand(program.command('missing'), ctx, ({ client }) => client.request('GET', '/nowhere'));
    await expect(program.parseAsync(['node', 'switchyard', 'missing'])).rejects.toMatchObject({ status: 404, code: 'not_found', message: '404 not_found: no such route' });
    expect(lines).toEqual([]);
  });
});

describe('listCommand, showCommand, deleteCommand: the usual three', () => {
  it('list prints the rows under the key, show the resource, delete its past tense', async () => {
    const server = createServer((req, res) => {
      if (req.method === 'DELETE') return res.writeHead(204).end();
      const body = req.url === '/api/v1/things' ? { things: [{ id: 'a' }] } : { id: req.url };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const lines: string[] = [];
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ctx: ApiCommandContext = { client: () => new ApiClient(url, 't'), print: (l) => lines.push(l) };
      const program = new Command().exitOverride();
      const things = program.command('things');
      const path = (id: string, rest = '') => `/api/v1/things/${encodeURIComponent(id)}${rest}`;
      listCommand(things.command('list'), ctx, '/api/v1/things', 'things', table(['id'], 'none'));
      showCommand(things.command('show <id> <part>'), ctx, (id, part) => path(id, `/${part}`));
      deleteCommand(things.command('revoke <id>'), ctx, path, 'revoked', (id) => `revoked ${id}`);
      const cli = async (...argv: string[]) => {
        lines.length = 0;
        await program.parseAsync(['node', 'switchyard', 'things', ...argv]);
        return [...lines];
      };
      expect(await cli('list')).toEqual(['ID', 'a']);
      expect(await cli('list', '--json')).toEqual(['[{"id":"a"}]']);
      expect(await cli('show', 'a/b', 'c', '--json')).toEqual(['{"id":"/api/v1/things/a%2Fb/c"}']);
      expect(await cli('revoke', 'tok_1')).toEqual(['revoked tok_1']);
      expect(await cli('revoke', 'tok_1', '--json')).toEqual(['{"revoked":"tok_1"}']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('tableLines', () => {
  it('pads every column to its widest cell and trims line ends', () => {
    expect(tableLines([{ a: 'long value', b: 1 }, { a: 'x', b: undefined }], ['a', 'b'], 'none')).toEqual(['A           B', 'long value  1', 'x           -']);
  });
});
