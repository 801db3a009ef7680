import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { z } from 'zod';
import { ApiClient, ApiError } from '../../src/cli/api-client';
import { registerEventsAndIdentityCommands } from '../../src/cli/api-client-commands';
import { registerConnectionsCommand } from '../../src/cli/connections-command';
import { registerTokensCommand, type ApiCommandContext } from '../../src/cli/tokens-command';
import { createEngineEvents } from '../../src/engine/engine-events';
import { apiV1 } from '../../src/http/api';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { serve } from './api-harness';

describe('CLI over the management API', () => {
  let store: Store;
  let api: { url: string; close(): Promise<void> };
  let admin: string;
  let lines: string[] = [];

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    const tokens = new TokenStore(store.db);
    const { router } = apiV1({
      tokens,
      rateLimit: { perMinute: 10_000, burstPerHour: 0 },
      rotationGraceMs: 60_000,
      identitySecret: 'identity-secret-0123456789',
      connections: {
        connections: store.connections,
        events: createEngineEvents(),
        connectors: { exists: (id) => id === 'jira', known: () => ['jira'], credentialsSchema: () => z.object({ apiToken: z.string().min(8) }), hasWebhookSource: () => false },
      },
    });
    api = await serve([router]);
    admin = (await tokens.create({ name: 'admin', scopes: ['tokens:admin', 'connections:read', 'connections:write', 'events:write'] })).secret;
  });
  afterAll(async () => {
    await api.close();
    await store.close();
  });

  async function cli(...argv: string[]): Promise<string[]> {
    lines = [];
    const ctx: ApiCommandContext = { client: (o) => new ApiClient(o.url ?? api.url, o.token ?? admin), print: (l) => lines.push(l) };
    const program = new Command().exitOverride();
    registerTokensCommand(program, ctx);
    registerConnectionsCommand(program, ctx);
    registerEventsAndIdentityCommands(program, ctx);
    await program.parseAsync(['node', 'switchyard', ...argv]);
    return lines;
  }

  it('creates, lists, rotates and revokes tokens, printing the secret once', async () => {
    const created = await cli('tokens', 'create', '--name', 'ci', '--scope', 'runs:read', 'recipes:read', '--expires-in', '90d');
    const secret = created[1]!.replace('secret (shown once, store it now): ', '');
    expect(secret).toMatch(/^sy_/);
    const id = /^created (tok_[0-9a-f]+)/.exec(created[0]!)![1]!;
    const listed = JSON.parse((await cli('tokens', 'list', '--json'))[0]!);
    expect(listed.find((t: { id: string }) => t.id === id)).toMatchObject({ name: 'ci', scopes: ['runs:read', 'recipes:read'] });
    expect((await cli('tokens', 'list')).join('\n')).not.toContain(secret);
    const rotated = await cli('tokens', 'rotate', id, '--grace', '5m');
    expect(rotated[0]).toMatch(new RegExp(`^rotated ${id}; the old secret works until `));
    expect(await cli('tokens', 'revoke', id)).toEqual([`revoked ${id}`]);
  });

  it('manages a connection and reports API errors with the path', async () => {
    await cli('connections', 'create', 'jira-cli', '--connector', 'jira', '--name', 'Jira', '--credentials', '{"apiToken":"abcdefgh12"}');
    expect(lines[0]).toBe('created jira-cli (jira), connected');
    expect(await cli('connections', 'pause', 'jira-cli', '--reason', 'maintenance')).toEqual(['jira-cli: paused (maintenance)']);
    expect(await cli('connections', 'resume', 'jira-cli')).toEqual(['jira-cli: connected']);
    const shown = JSON.parse((await cli('connections', 'show', 'jira-cli', '--json'))[0]!);
    expect(shown).toMatchObject({ id: 'jira-cli', status: 'connected' });
    expect(JSON.stringify(shown)).not.toContain('abcdefgh12');
    const failure = await cli('connections', 'update', 'jira-cli', '--credentials', '{"apiToken":"short"}').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).message).toMatch(/^422 invalid_request: body\.credentials\.apiToken: /);
  });

  it('hashes a user id for identity verification', async () => {
    const [hash] = await cli('identity', 'hash', 'user-7');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
