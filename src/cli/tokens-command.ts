import type { Command } from 'commander';
import { apiScopes, isApiScope } from '../security/api-tokens';
import { loadKeyRing } from '../security/key-ring';
import { createSecretBox } from '../security/secret-box';
import { openStore } from '../store/store';
import { TokenStore } from '../store/tokens';
import { durationMs } from '../recipe/duration';
import { apiClientFrom, type ApiClient } from './api-client';
import { printObject, printRows, type Print } from './api-client-output';
import { loadConfigOrExit } from './load-config';

export interface ApiCommandContext {
  /** The API client for these options (defaults to the environment's). */
  client(opts: { url?: string; token?: string }): ApiClient;
  print: Print;
}

export const defaultApiContext: ApiCommandContext = {
  client: (opts) => apiClientFrom(loadConfigOrExit(), opts),
  print: (line) => console.log(line),
};

/** Adds `--url`, `--token` and `--json` to an API command. */
export function withApiOptions(command: Command): Command {
  return command.option('--url <url>', 'API base URL (SWITCHYARD_API_URL)').option('--token <token>', 'API token (SWITCHYARD_API_TOKEN)').option('--json', 'JSON output');
}

type ApiOpts = { url?: string; token?: string; json?: boolean };

/** `switchyard tokens list|show|create|rotate|revoke` over the API (needs tokens:admin). */
export function registerTokensCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const tokens = program.command('tokens').description('API tokens (scopes, expiry, rotation); needs a token with tokens:admin');
  const columns = ['id', 'name', 'prefix', 'scopes', 'expiresAt', 'revokedAt'];

  withApiOptions(tokens.command('list').description('list tokens (never their secrets)')).action(async (opts: ApiOpts) => {
    const { tokens: rows } = await ctx.client(opts).request('GET', '/api/v1/tokens');
    printRows(ctx.print, rows, columns, opts.json, 'no tokens');
  });

  withApiOptions(tokens.command('show <id>').description('one token')).action(async (id: string, opts: ApiOpts) => {
    printObject(ctx.print, await ctx.client(opts).request('GET', `/api/v1/tokens/${encodeURIComponent(id)}`), opts.json);
  });

  withApiOptions(
    tokens
      .command('create')
      .description('create a token; its secret is printed once')
      .requiredOption('--name <name>', 'what the token is for')
      .requiredOption('--scope <scope...>', `one or more of: ${apiScopes.join(', ')}`)
      .option('--expires-in <duration>', 'e.g. 90d (rotating every 90 days is recommended)')
      .option('--direct', 'write to the store (DATABASE_URL) instead of calling the API: the first token of a server, or when locked out'),
  ).action(async (opts: ApiOpts & { name: string; scope: string[]; expiresIn?: string; direct?: boolean }) => {
    const issued = opts.direct
      ? await createDirect(opts.name, opts.scope, opts.expiresIn)
      : await ctx.client(opts).request('POST', '/api/v1/tokens', { name: opts.name, scopes: opts.scope, ...(opts.expiresIn ? { expiresIn: opts.expiresIn } : {}) });
    if (opts.json) return printObject(ctx.print, issued, true);
    ctx.print(`created ${issued.token.id} (${issued.token.scopes.join(', ')}${issued.token.expiresAt ? `, expires ${issued.token.expiresAt}` : ''})`);
    ctx.print(`secret (shown once, store it now): ${issued.secret}`);
  });

  withApiOptions(
    tokens.command('rotate <id>').description('new secret; the old one keeps working for the grace period').option('--grace <duration>', 'how long the old secret stays valid, e.g. 1h'),
  ).action(async (id: string, opts: ApiOpts & { grace?: string }) => {
    const issued = await ctx.client(opts).request('POST', `/api/v1/tokens/${encodeURIComponent(id)}/rotate`, opts.grace ? { gracePeriod: opts.grace } : {});
    if (opts.json) return printObject(ctx.print, issued, true);
    ctx.print(`rotated ${issued.token.id}; the old secret ${issued.token.previousValidUntil ? `works until ${issued.token.previousValidUntil}` : 'no longer works'}`);
    ctx.print(`secret (shown once, store it now): ${issued.secret}`);
  });

  withApiOptions(tokens.command('revoke <id>').description('revoke a token immediately')).action(async (id: string, opts: ApiOpts) => {
    await ctx.client(opts).request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
    if (opts.json) return printObject(ctx.print, { revoked: id }, true);
    ctx.print(`revoked ${id}`);
  });
}

/** `tokens create --direct`: straight into the store, for a server that has no token yet. */
async function createDirect(name: string, scopes: string[], expiresIn: string | undefined) {
  const unknown = scopes.filter((s) => !isApiScope(s));
  if (unknown.length) throw new Error(`--scope: unknown scope ${unknown.join(', ')} (known: ${apiScopes.join(', ')})`);
  const ms = expiresIn === undefined ? undefined : durationMs({ positive: true }).safeParse(expiresIn);
  if (ms && !ms.success) throw new Error(`--expires-in: ${ms.error.issues[0]?.message ?? 'expected a duration'}, got ${JSON.stringify(expiresIn)}`);
  const expiresAt = ms?.success ? new Date(Date.now() + ms.data) : null;
  const config = loadConfigOrExit();
  const store = await openStore(config.databaseUrl, createSecretBox(loadKeyRing(config)));
  try {
    return await new TokenStore(store.db).create({ name, scopes: scopes.filter(isApiScope), expiresAt });
  } finally {
    await store.close();
  }
}
