// The API's own types, imported from the server code that produces the answers (type-only: nothing
// of the server is bundled). A change to a route's answer breaks `npm run typecheck:console`.
import type { ConnectorSummary, describeConnector } from '../../../connectors/catalog';
import type { ConnectionAnswers } from '../../../src/http/api/connections-routes';
import type { LogAnswers } from '../../../src/http/api/logs-routes';
import type { RecipeAnswers } from '../../../src/http/api/recipes-routes';
import type { RetryAnswer } from '../../../src/http/api/runs-retry-route';
import type { RunAnswers } from '../../../src/http/api/runs-routes';
import type { SessionAnswer } from '../../../src/http/api/session-routes';
import type { SyncAnswers } from '../../../src/http/api/syncs-routes';
import type { WebhookAnswers } from '../../../src/http/api/webhooks-routes';
import type { Diagnostic } from '../../../src/recipe/diagnostics';
import type { ApiScope } from '../../../src/security/scopes';
import type { ApiToken, IssuedToken } from '../../../src/store/tokens';

export type { ApiScope, ApiToken, ConnectorSummary, Diagnostic, IssuedToken, RetryAnswer, SessionAnswer };
export type RunPage = RunAnswers['page'];
export type RunDetail = RunAnswers['detail'];
export type RunStep = NonNullable<RunDetail['steps']>[number];
export type ConnectorDetail = ReturnType<typeof describeConnector>;
export type Connection = ConnectionAnswers['connection'];
export type ConnectionTest = ConnectionAnswers['test'] & { connection: Connection };
export type ActivityEntry = ConnectionAnswers['activity'];
export type RecipeSummary = RecipeAnswers['summary'];
export type RecipeDetail = RecipeAnswers['detail'];
/** GET /api/v1/recipes/:id of a sync (`"kind": "sync"`). */
export type SyncSource = RecipeAnswers['syncSource'];
export type RecipePut = RecipeAnswers['put'];
export type RecipeValidation = RecipeAnswers['validate'];
export type RecipeVersions = RecipeAnswers['versions'];
export type RecipeVersionSource = RecipeAnswers['versionSource'];
export type DryRun = RecipeAnswers['dryRun'];
export type SyncSummary = SyncAnswers['summary'];
export type SyncDetail = SyncAnswers['detail'];
export type SyncState = SyncAnswers['state'];
export type InboundLogEntry = LogAnswers['inbound'];
export type InboundLogDetail = LogAnswers['inboundDetail'];
export type OutgoingLogEntry = LogAnswers['outgoing'];
export type VendorCall = LogAnswers['vendorCall'];
export type WebhookDelivery = WebhookAnswers['delivery'];
export type WebhookDeliveryDetail = WebhookAnswers['deliveryDetail'];
/** A page of a log: its entries, newest first, and the cursor of the next page (null: the last). */
export interface LogPage<T> {
  entries: T[];
  nextCursor: string | null;
}
