import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import { registry } from '../../connectors/registry';
import type { Config } from '../config/config';
import { wakeRunsOnRestore } from '../engine/connection-restored';
import { createEngineEvents, type EngineEvents } from '../engine/engine-events';
import { PlanCache } from '../engine/plan-cache';
import { runStartSettings } from '../engine/start-runs';
import { runsRetryRoutes } from '../http/api/runs-retry-route';
import { managementApi } from '../http/api/from-config';
import type { ApiRoute } from '../http/api/route';
import type { TokenStore } from '../store/tokens';
import { createApp } from '../http/app';
import { hookRoutes } from '../http/hooks';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { temporalChecks } from '../temporal/readiness';
import { connectorRoutes } from '../http/connectors-routes';
import { publishEngineEvents } from '../webhooks-out/sources';
import { webhooksOutFromConfig } from '../webhooks-out/wiring';
import { webhookRoutes } from '../http/api/webhooks-routes';

export interface ApiHandle {
  url: string;
  server: http.Server;
  plans: PlanCache;
  /** API tokens (the dev runtime bootstraps the first admin token with `ensureBootstrapToken`). */
  tokens: TokenStore;
  /** Connection status events; outgoing webhooks subscribe here. */
  events: EngineEvents;
  /** Every /api/v1 operation mounted (for the OpenAPI document and the scope matrix). */
  routes: ApiRoute[];
  close(): Promise<void>;
}

export interface ApiOptions {
  config: Config;
  logger: Logger;
  store: Store;
  client: Client;
  /** Extra routers (e.g. the dev-only demo sink). */
  extraRouters?: Router[];
  /** Engine events shared with subscribers (outgoing webhooks); created here when not given. */
  events?: EngineEvents;
  /** Further /api/v1 route groups (recipes, runs, webhooks, …), behind the same auth and rate limit. */
  apiRouteGroups?: ApiRoute[][];
}

/** Starts the HTTP API on HOST:PORT (PORT=0 picks a free port). */
export async function startApi(opts: ApiOptions): Promise<ApiHandle> {
  const { config, logger, store, client } = opts;
  const plans = new PlanCache(store.recipes);
  const events = opts.events ?? createEngineEvents(logger);
  const stopWaking = events.subscribe(wakeRunsOnRestore(client, logger));
  const webhooks = webhooksOutFromConfig({ config, store, client });
  const publish = webhooks.publish.bind(webhooks);
  const stopPublishing = publishEngineEvents(events, publish);
  const routeGroups = [
    connectorRoutes(),
    webhookRoutes(webhooks),
    runsRetryRoutes({ client, taskQueue: config.TEMPORAL_TASK_QUEUE, recipes: store.recipes, connectionWaitMs: config.SWITCHYARD_CONNECTION_WAIT_LIMIT }),
    ...(opts.apiRouteGroups ?? []),
  ];
  const management = await managementApi({ config, store, client, plans, logger, events, registry, routeGroups });
  const app = createApp({
    logger,
    readiness: { store: () => store.ping(), ...temporalChecks(client, config.TEMPORAL_TASK_QUEUE) },
    routers: [
      hookRoutes({
        store,
        plans,
        client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        runSettings: runStartSettings(config),
        webhookSource: (connectorId) => registry.getConnector(connectorId)?.webhookSource,
        maxBodyBytes: config.SWITCHYARD_WEBHOOK_MAX_BYTES,
        logger,
        publish,
      }),
      management.router,
      ...(opts.extraRouters ?? []),
    ],
  });
  const server = http.createServer(app);
  // Slow bodies must not hold a connection forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  return {
    url,
    server,
    plans,
    tokens: management.tokens,
    events,
    routes: management.routes,
    close: () =>
      new Promise<void>((resolve) => {
        stopWaking();
        stopPublishing();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
