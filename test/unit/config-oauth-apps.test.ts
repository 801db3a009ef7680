import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config';

describe('SWITCHYARD_OAUTH_<APP>_* (OAuth Connect apps)', () => {
  it('groups the variables by app; apps with underscores keep them', () => {
    const config = parseConfig({
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_ID: 'sf-id',
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_SECRET: 'sf-secret',
      SWITCHYARD_OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      SWITCHYARD_OAUTH_MY_CRM_TOKEN_URL: 'http://127.0.0.1:4000/token',
    });
    expect(config.oauthApps).toEqual({
      SALESFORCE: { clientId: 'sf-id', clientSecret: 'sf-secret', authorizeUrl: undefined, tokenUrl: undefined },
      GOOGLE: { clientId: 'g-id', clientSecret: undefined, authorizeUrl: undefined, tokenUrl: undefined },
      MY_CRM: { clientId: undefined, clientSecret: undefined, authorizeUrl: undefined, tokenUrl: 'http://127.0.0.1:4000/token' },
    });
    expect(parseConfig({}).oauthApps).toEqual({});
  });

  it('names a misspelt variable and a bad URL, one line each', () => {
    let error: unknown;
    try {
      parseConfig({ SWITCHYARD_OAUTH_HUBSPOT_CLIENTID: 'x', SWITCHYARD_OAUTH_HUBSPOT_AUTHORIZE_URL: 'ftp://app.hubspot.com/oauth' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'SWITCHYARD_OAUTH_HUBSPOT_CLIENTID: expected SWITCHYARD_OAUTH_<APP>_CLIENT_ID, _CLIENT_SECRET, _AUTHORIZE_URL or _TOKEN_URL (APP in capitals, e.g. SALESFORCE, GOOGLE)',
      'SWITCHYARD_OAUTH_HUBSPOT_AUTHORIZE_URL: expected an http(s) URL of the consent page, got "ftp://app.hubspot.com/oauth"',
    ]);
  });
});
