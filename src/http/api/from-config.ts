import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { ConnectorRegistry } from '../../../connectors/sdk/registry';
import type { Config } from '../../config/config';
import type { EngineEvents } from '../../engine/engine-events';
import type { Inbox } from '../../engine/inbox';
import type { PlanCache } from '../../engine/plan-cache';
import type { Logger } from '../../logging';
import { loadKeyRing } from '../../security/key-ring';
import { AesGcmPayloadCodec, deriveCodecKeys } from '../../security/payload-codec';
import type { Store } from '../../store/store';
import { SessionStore } from '../../store/sessions';
import { TokenStore } from '../../store/tokens';
import { ensureBootstrapToken } from './bootstrap-token';
import { connectionActivity } from './connection-activity';
import { registryLookup } from './connector-lookup';
import type { TestEventSender } from './connections-routes';
import { apiV1, type ApiV1 } from './index';
import { oauthCallbackOpenApi, oauthCallbackRouter, oauthStartRoutes } from './oauth-routes';
import { oauthConnect } from '../../engine/oauth-connect';
import type { ApiRoute } from './route';
import { runsQuery } from '../../temporal/run-query';

export interface ManagementApiOptions {
  config: Config;
  store: Store;
  client: Client;
  plans: PlanCache;
  logger: Logger;
  events: EngineEvents;
  registry: ConnectorRegistry;
  /** Route groups owned elsewhere (recipes, runs, webhooks, …). */
  routeGroups?: ApiRoute[][];
  /** Where posted events are accepted (the same durable inbox as the webhook ingress). */
  inbox: Inbox;
  /** `switchyard dev` only: test events for sandbox connections. */
  testEvents?: TestEventSender;
}

/**
 * The management API as a process runs it. Installs SWITCHYARD_ADMIN_TOKEN when set; generating
 * the first admin token is left to `switchyard dev` (see `ensureBootstrapToken`).
 */
export async function managementApi(opts: ManagementApiOptions): Promise<ApiV1 & { tokens: TokenStore; oauthCallback: Router }> {
  const { config, store, client, logger } = opts;
  const connect = oauthConnect({
    registry: opts.registry,
    connections: store.connections,
    authorizations: store.oauthAuthorizations,
    apps: config.oauthApps,
    egressAllow: config.SWITCHYARD_EGRESS_ALLOW,
    events: opts.events,
    logger,
  });
  const tokens = new TokenStore(store.db);
  await ensureBootstrapToken(tokens, config, { generate: false });
  const uiOrigins = [`http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`];
  const api = apiV1({
    tokens,
    rateLimit: { perMinute: config.SWITCHYARD_API_RATE_LIMIT, burstPerHour: config.SWITCHYARD_API_RATE_BURST },
    rateLimitPool: store.pgPool,
    rotationGraceMs: config.SWITCHYARD_TOKEN_ROTATION_GRACE,
    sessions: { store: new SessionStore(store.db), ttlMs: config.SWITCHYARD_SESSION_TTL },
    signInRateLimit: { perMinute: config.SWITCHYARD_SIGNIN_RATE_LIMIT, burstPerHour: 0 },
    connections: {
      connections: store.connections,
      connectors: registryLookup(opts.registry, { egressAllow: config.SWITCHYARD_EGRESS_ALLOW, connections: store.connections, logger }),
      events: opts.events,
      waitingRuns: (id) => waitingRuns(client, id),
      activity: connectionActivity(client, store.db),
      publicUrl: config.PUBLIC_URL,
      testEvents: opts.testEvents,
    },
    events: { plans: opts.plans, inbox: opts.inbox, logger, maxBodyBytes: config.SWITCHYARD_WEBHOOK_MAX_BYTES },
    identitySecret: config.SWITCHYARD_IDENTITY_SECRET,
    codec: { codec: new AesGcmPayloadCodec(deriveCodecKeys(loadKeyRing(config)), 'passThrough'), allowedOrigins: config.SWITCHYARD_CODEC_CORS_ORIGINS ?? uiOrigins },
    routeGroups: [...(opts.routeGroups ?? []), oauthStartRoutes({ connect, publicUrl: config.PUBLIC_URL })],
    publicUrl: config.PUBLIC_URL,
    publicPaths: oauthCallbackOpenApi,
  });
  return { ...api, tokens, oauthCallback: oauthCallbackRouter({ connect }) };
}

/** Open runs that use the connection and report `waiting` (visibility is eventually consistent). */
async function waitingRuns(client: Client, connectionId: string): Promise<number> {
  const query = runsQuery({ status: 'waiting', connectionId });
  const { count } = await client.workflow.count(query);
  return count;
}
