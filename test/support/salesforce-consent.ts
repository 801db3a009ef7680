import { OAuthAuthorizationServer } from '../../sandbox/oauth-authorization-server';
import { SalesforceFake } from '../../sandbox/salesforce-fake';

export interface SalesforceConsent {
  salesforce: SalesforceFake;
  authServer: OAuthAuthorizationServer;
  /** The SWITCHYARD_OAUTH_SALESFORCE_* settings that point the engine at the fake authorization server. */
  env: Record<string, string>;
  /** Registers the engine's callback (`<api>/oauth/callback`) once the API listens. */
  redirectTo(apiUrl: string): void;
  close(): Promise<void>;
}

/**
 * Salesforce's fake and a fake OAuth authorization server whose grants are Salesforce sessions:
 * Connect for the `salesforce` connector, as a test engine configures it.
 */
export async function startSalesforceConsent(clientId: string): Promise<SalesforceConsent> {
  const clientSecret = `${clientId}-secret`;
  const salesforce = await new SalesforceFake().start();
  const authServer = await new OAuthAuthorizationServer({ clientId, clientSecret, redirectUri: '(set by redirectTo)' }, () => salesforce.issueSession()).start();
  return {
    salesforce,
    authServer,
    env: {
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_ID: clientId,
      SWITCHYARD_OAUTH_SALESFORCE_CLIENT_SECRET: clientSecret,
      SWITCHYARD_OAUTH_SALESFORCE_AUTHORIZE_URL: authServer.authorizeUrl,
      SWITCHYARD_OAUTH_SALESFORCE_TOKEN_URL: authServer.tokenUrl,
    },
    redirectTo(apiUrl) {
      authServer.client.redirectUri = `${apiUrl}/oauth/callback`;
    },
    async close() {
      await authServer.close();
      await salesforce.close();
    },
  };
}
