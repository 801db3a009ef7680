import type { Config } from '../../config/config';
import { apiScopes } from '../../security/scopes';
import { BOOTSTRAP_TOKEN_ID, type TokenStore } from '../../store/tokens';

/**
 * The first admin token. With SWITCHYARD_ADMIN_TOKEN set, that secret is (re)installed under a
 * fixed id with every scope and nothing is printed. Otherwise, when `generate` is true (first
 * embedded start) and the store holds no token yet, a token is generated and its secret returned
 * once, for the caller to print; every later start returns null. Unsetting SWITCHYARD_ADMIN_TOKEN
 * revokes the token it had installed: the environment stays the source of truth.
 */
export async function ensureBootstrapToken(
  tokens: TokenStore,
  config: Pick<Config, 'SWITCHYARD_ADMIN_TOKEN'>,
  opts: { generate: boolean } = { generate: true },
): Promise<string | null> {
  const input = { name: 'bootstrap admin', scopes: [...apiScopes] };
  if (config.SWITCHYARD_ADMIN_TOKEN) {
    await tokens.putFixed(BOOTSTRAP_TOKEN_ID, input, config.SWITCHYARD_ADMIN_TOKEN);
    return null;
  }
  const installed = await tokens.get(BOOTSTRAP_TOKEN_ID);
  if (installed && !installed.revokedAt) await tokens.revoke(BOOTSTRAP_TOKEN_ID);
  if (!opts.generate || (await tokens.count()) > 0) return null;
  const issued = await tokens.create(input);
  return issued.secret;
}
