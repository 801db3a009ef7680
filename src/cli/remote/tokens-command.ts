import type { Command } from 'commander';
import { apiScopes, isApiScope } from '../../security/scopes';
import { loadKeyRing } from '../../security/key-ring';
import { createSecretBox } from '../../security/secret-box';
import { openStore } from '../../store/store';
import { TokenStore, type ApiToken, type IssuedToken } from '../../store/tokens';
import { durationMs } from '../../recipe/duration';
import { loadConfigOrExit } from '../load-config';
import { apiCommand, defaultApiContext, deleteCommand, listCommand, showCommand, type ApiCommandContext } from './api-command';
import { table } from './output';
import { given } from './given';

/** `switchyard tokens list|show|create|rotate|revoke` over the API (needs tokens:admin). */
export function registerTokensCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const tokens = program.command('tokens').description('API tokens (scopes, expiry, rotation); needs a token with tokens:admin');
  const path = (id: string, rest = '') => `/api/v1/tokens/${encodeURIComponent(id)}${rest}`;

  const list = table(['id', 'name', 'prefix', 'scopes', 'expiresAt', 'revokedAt'], 'no tokens');
  listCommand<ApiToken>(tokens.command('list').description('list tokens (never their secrets)'), ctx, '/api/v1/tokens', 'tokens', list);
  showCommand(tokens.command('show <id>').description('one token'), ctx, path);

  apiCommand<{ name: string; scope: string[]; expiresIn?: string; direct?: boolean }, IssuedToken>(
    tokens.command('create').description('create a token; its secret is printed once')
      .requiredOption('--name <name>', 'what the token is for')
      .requiredOption('--scope <scope...>', `one or more of: ${apiScopes.join(', ')}`)
      .option('--expires-in <duration>', 'e.g. 90d (rotating every 90 days is recommended)')
      .option('--direct', 'write to the store (DATABASE_URL) instead of calling the API: the first token of a server, or when locked out'),
    ctx,
    ({ client, opts }) =>
      opts.direct
        ? createDirect(opts.name, opts.scope, opts.expiresIn)
        : client.request('POST', '/api/v1/tokens', { name: opts.name, scopes: opts.scope, ...given({ expiresIn: opts.expiresIn }) }),
    (issued) => [
      `created ${issued.token.id} (${issued.token.scopes.join(', ')}${issued.token.expiresAt ? `, expires ${issued.token.expiresAt}` : ''})`,
      `secret (shown once, store it now): ${issued.secret}`,
    ],
  );

  apiCommand<{ grace?: string }, IssuedToken>(
    tokens.command('rotate <id>').description('new secret; the old one keeps working for the grace period').option('--grace <duration>', 'how long the old secret stays valid, e.g. 1h'),
    ctx,
    ({ client, opts }, id) => client.request('POST', path(id, '/rotate'), given({ gracePeriod: opts.grace })),
    (issued) => [
      `rotated ${issued.token.id}; the old secret ${issued.token.previousValidUntil ? `works until ${issued.token.previousValidUntil}` : 'no longer works'}`,
      `secret (shown once, store it now): ${issued.secret}`,
    ],
  );

  deleteCommand(tokens.command('revoke <id>').description('revoke a token immediately'), ctx, path, 'revoked', (id) => `revoked ${id}`);
}

/** `tokens create --direct`: straight into the store, for a server that has no token yet. */
async function createDirect(name: string, scopes: string[], expiresIn: string | undefined): Promise<IssuedToken> {
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
