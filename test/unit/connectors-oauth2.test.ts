import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OAuth2Credentials } from '../../connectors/sdk/auth';
import { refreshOAuth2 } from '../../connectors/sdk/oauth2';
import { GoogleSheetsFake } from '../../sandbox/google-sheets-fake';

describe('OAuth2 refresh', () => {
  let fake: GoogleSheetsFake;
  beforeAll(async () => {
    fake = await new GoogleSheetsFake().start();
  });
  afterAll(() => fake?.close());
  const settings = { tokenUrl: 'unused' };
  const creds = (): OAuth2Credentials => ({ accessToken: 'ya29.old', refreshToken: '1//refresh', tokenUrl: `${fake.url}/token`, clientId: 'cid', clientSecret: 'cs' });

  it('is single-flight per connection: 5 concurrent refreshes make one token request', async () => {
    fake.tokens.requests = 0;
    const results = await Promise.all(Array.from({ length: 5 }, () => refreshOAuth2('conn-1', settings, creds(), { egressAllow: ['127.0.0.1/32'] })));
    expect(fake.tokens.requests).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(results[0]!.accessToken).not.toBe('ya29.old');
    expect(Date.parse(results[0]!.expiresAt!)).toBeGreaterThan(Date.now() + 3500_000);
    const [req] = fake.received('POST', '/token');
    expect(Object.fromEntries(new URLSearchParams(req!.rawBody))).toEqual({ grant_type: 'refresh_token', refresh_token: '1//refresh', client_id: 'cid', client_secret: 'cs' });
  });

  it('a different connection refreshes on its own', async () => {
    fake.tokens.requests = 0;
    await Promise.all([refreshOAuth2('conn-a', settings, creds(), { egressAllow: ['127.0.0.1/32'] }), refreshOAuth2('conn-b', settings, creds(), { egressAllow: ['127.0.0.1/32'] })]);
    expect(fake.tokens.requests).toBe(2);
  });

  it('invalid_grant is auth_lost; the token endpoint is SSRF-guarded too', async () => {
    await expect(refreshOAuth2('conn-x', settings, { ...creds(), refreshToken: 'revoked' }, { egressAllow: ['127.0.0.1/32'] })).rejects.toMatchObject({ kind: 'auth_lost', message: expect.stringContaining('invalid_grant') });
    await expect(refreshOAuth2('conn-y', settings, creds(), { egressAllow: [] })).rejects.toMatchObject({ kind: 'fatal', code: 'blocked_destination' });
  });
});
