import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { z } from 'zod';
import { ApiClient, ApiError } from '../../src/cli/remote/api-client';
import { registerEventsAndIdentityCommands } from '../../src/cli/remote/events-command';
import { registerConnectionsCommand } from '../../src/cli/remote/connections-command';
import { registerRecipesCommand } from '../../src/cli/remote/recipes-command';
import { registerRunsCommand } from '../../src/cli/remote/runs-command';
import type { ApiCommandContext } from '../../src/cli/remote/api-command';
import { registerTokensCommand } from '../../src/cli/remote/tokens-command';
import { createEngineEvents } from '../../src/engine/engine-events';
import { apiV1 } from '../../src/http/api';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { openTestStore, storeBackends } from '../support/stores';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor, runResult } from '../support/temporal';
import { serve } from '../support/api-harness';

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
        connectors: { exists: (id) => id === 'jira', known: () => ['jira'], credentialsSchema: () => z.object({ apiToken: z.string().min(8) }), hasWebhookSource: () => false, origins: (_c, _creds, baseUrl) => (baseUrl ? [new URL(baseUrl).origin] : []) },
      },
    });
    api = await serve([router]);
    admin = (await tokens.create({ name: 'admin', scopes: ['tokens:admin', 'connections:read', 'connections:write', 'events:write', 'identity:write', 'runs:read', 'recipes:read'] })).secret;
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

describe('CLI: recipes and runs over the API of a running engine', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-cli-'));
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine('cli', { SWITCHYARD_ADMIN_TOKEN: admin });
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  async function cli(...argv: string[]): Promise<string[]> {
    const printed: string[] = [];
    const ctx: ApiCommandContext = { client: () => new ApiClient(engine.api.url, admin), print: (l) => printed.push(l) };
    const program = new Command().exitOverride();
    registerRecipesCommand(program, ctx);
    registerRunsCommand(program, ctx);
    await program.parseAsync(['node', 'switchyard', ...argv]);
    return printed;
  }
  const file = (name: string, value: unknown) => {
    const target = path.join(dir, name);
    writeFileSync(target, JSON.stringify(value));
    return target;
  };

  it('puts, lists and validates recipes, printing compiler diagnostics as file:path lines', async () => {
    const id = `cli-gate-${suffix}`;
    const recipe = { id, name: 'CLI gate', trigger: { type: 'event', event: `cli.${suffix}` }, steps: [{ id: 'approval', waitFor: { approval: { timeout: '1h' } } }] };
    expect(await cli('recipes', 'put', file('gate.json', recipe))).toEqual([`+ ${id} added (v1)`]);
    expect(await cli('recipes', 'put', file('gate.json', recipe))).toEqual([`= ${id} unchanged (v1)`]);
    const listed = JSON.parse((await cli('recipes', 'list', '--json'))[0]!);
    expect(listed.find((r: { id: string }) => r.id === id)).toMatchObject({ enabled: true, version: 1 });
    expect(await cli('recipes', 'disable', id)).toEqual([`${id}: disabled (v1)`]);
    expect(await cli('recipes', 'enable', id)).toEqual([`${id}: enabled (v1)`]);

    const broken = file('broken.json', { ...recipe, steps: [{ id: 'approval', waitFor: { approval: { timeout: '1x' } } }] });
    const failure = (await cli('recipes', 'validate', broken).catch((e: unknown) => e)) as Error;
    const lines = failure.message.split('\n');
    expect(lines[0]!.startsWith(`${broken}:steps[0].waitFor.approval.timeout: bad duration "1x"`)).toBe(true);
    expect(lines.slice(1)).toEqual([`${broken}: 1 error`]);
  });

  it('lists, shows, approves and exports runs', async () => {
    const id = `cli-gate-${suffix}`;
    const posted = await fetch(`${engine.api.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ topic: `cli.${suffix}`, id: 'one', data: {} }) }).then((r) => r.json() as Promise<{ runs: { runId: string }[] }>);
    const runId = posted.runs[0]!.runId;
    await waitFor(async () => JSON.parse((await cli('runs', '--recipe', id, '--status', 'waiting', '--json'))[0]!).runs.length === 1, 'the run listed as waiting');
    const shown = JSON.parse((await cli('runs', 'show', runId, '--json'))[0]!);
    expect(shown).toMatchObject({ runId, status: 'waiting', steps: [{ id: 'approval', status: 'waiting' }] });
    expect(await cli('runs', 'approve', runId, '--by', 'cli-user')).toEqual([`${runId}: approved`]);
    await runResult(engine.client, runId);
    expect((await cli('runs', 'show', runId)).slice(2)).toEqual(['  approval: succeeded', expect.stringMatching(/^ {4}output: \{"approved":true,"by":"bootstrap admin \(tok_bootstrap\)","comment":"on behalf of cli-user"/)]);
    await waitFor(async () => (await cli('runs', 'export', '--format', 'csv', '--recipe', id, '--status', 'succeeded'))[0]?.split('\n').length === 2, 'the closed run in the export');
    const [csv] = await cli('runs', 'export', '--format', 'csv', '--recipe', id);
    expect(csv!.split('\n')[1]!.startsWith(`${runId},${id},`)).toBe(true);
  });
});
