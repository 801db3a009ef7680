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
import type { TestEventSender } from '../http/api/connections-routes';
import type { TokenStore } from '../store/tokens';
import { createApp } from '../http/app';
import { consoleRoutes } from '../http/console';
import { closeGracefully, drainingGate } from '../http/graceful-close';
import { hookRoutes } from '../http/hooks';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { temporalChecks } from '../temporal/readiness';
import { connectorRoutes } from '../http/connectors-routes';
import { publishEngineEvents } from '../engine/publish-engine-events';
import { webhooksOutFromConfig } from './webhooks-out-wiring';
import { webhookRoutes } from '../http/api/webhooks-routes';
import { recipeRoutesFor } from '../http/api/recipes-routes';
import { runRoutes } from '../http/api/runs-routes';
import { logRoutes } from '../http/api/logs-routes';
import { vendorCalls } from '../http/api/connection-activity';
import { syncRoutes } from '../http/api/syncs-routes';
import { startEventPump } from '../engine/event-pump';
import { startInbox } from '../engine/inbox';
import { openNamespaceGate } from './namespace-gate';

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
  /** Settles once the Temporal namespace is usable (later than start only with SWITCHYARD_NAMESPACE_CHECK=wait). */
  namespaceReady: Promise<void>;
  close(): Promise<void>;
}

export interface ApiOptions {
  config: Config;
  logger: Logger;
  store: Store;
  client: Client;
  /** Extra routers (e.g. the dev-only sandbox pages). */
  extraRouters?: Router[];
  /** `switchyard dev` only: test events for sandbox connections (POST /api/v1/connections/:id/test-event). */
  testEvents?: TestEventSender;
  /** Engine events shared with subscribers (outgoing webhooks); created here when not given. */
  events?: EngineEvents;
  /** Further /api/v1 route groups (recipes, runs, webhooks, …), behind the same auth and rate limit. */
  apiRouteGroups?: ApiRoute[][];
}

/** Starts the HTTP API on HOST:PORT (PORT=0 picks a free port). */
export async function startApi(opts: ApiOptions): Promise<ApiHandle> {
  const { config, logger, store, client } = opts;
  const namespace = await openNamespaceGate(client.connection, client.options.namespace, config.SWITCHYARD_NAMESPACE_CHECK, logger);
  const plans = new PlanCache(store.recipes, undefined, store.syncs);
  const events = opts.events ?? createEngineEvents(logger);
  const stopWaking = events.subscribe(wakeRunsOnRestore(client, logger));
  const webhooks = webhooksOutFromConfig({ config, store, client });
  const publish = webhooks.publish.bind(webhooks);
  const stopPublishing = publishEngineEvents(events, publish);
  const routeGroups = [
    connectorRoutes(),
    webhookRoutes(webhooks),
    recipeRoutesFor({ store, client, plans, taskQueue: config.TEMPORAL_TASK_QUEUE, registry, runSettings: runStartSettings(config), egressAllow: config.SWITCHYARD_EGRESS_ALLOW }),
    runRoutes({ client, logger, inbox: store.inbox }),
    logRoutes({ inbound: store.inboundLog, outgoing: webhooks.log, vendorCalls: vendorCalls(client, store.db), logger }),
    syncRoutes({ syncs: store.syncs, transcripts: store.transcripts, client, taskQueue: config.TEMPORAL_TASK_QUEUE }),
    runsRetryRoutes({ client, taskQueue: config.TEMPORAL_TASK_QUEUE, recipes: store.recipes, connectionWaitMs: config.SWITCHYARD_CONNECTION_WAIT_LIMIT }),
    ...(opts.apiRouteGroups ?? []),
  ];
  // Accepted events wait in the durable inbox; its dispatcher starts their runs (also once an unreachable Temporal returns).
  const inbox = startInbox({
    store,
    plans,
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    runSettings: runStartSettings(config),
    payloadRef: { payloads: store.payloads, thresholdBytes: config.SWITCHYARD_PAYLOAD_REF_BYTES },
    publisher: () => webhooks.publisher(),
    logger,
    limits: { maxRows: config.SWITCHYARD_INBOX_MAX_ROWS, maxAgeMs: config.SWITCHYARD_INBOX_MAX_AGE, sweepMs: config.SWITCHYARD_INBOX_SWEEP, startsInFlight: config.SWITCHYARD_INBOX_STARTS_IN_FLIGHT },
    gate: namespace.check,
  });
  const management = await managementApi({ config, store, client, plans, logger, events, registry, routeGroups, inbox, testEvents: opts.testEvents });
  const temporal = temporalChecks(client, config.TEMPORAL_TASK_QUEUE);
  const hooks = hookRoutes({
    store,
    plans,
    inbox,
    registry,
    maxBodyBytes: config.SWITCHYARD_WEBHOOK_MAX_BYTES,
    publicUrl: config.PUBLIC_URL,
    rateLimit: { perMinute: config.SWITCHYARD_HOOKS_RATE_LIMIT, burstPerHour: 0 },
    rateLimitPool: store.pgPool,
    logger,
    inboundLog: config.SWITCHYARD_INBOUND_LOG_RETENTION > 0 ? store.inboundLog.writer(logger) : undefined,
  });
  const app = createApp({
    logger,
    readiness: {
      store: () => store.ping(),
      inbox: () => inbox.admit(new Date()),
      ...temporal,
      dispatch: async () => {
        const { dispatchDelayed, depth } = inbox.status();
        if (dispatchDelayed) throw new Error(`${depth} accepted events wait in the inbox: ${dispatchDelayed}`);
      },
      namespace: namespace.check,
    },
    deferredReadiness: [...Object.keys(temporal), 'dispatch'],
    routers: [
      hooks.router,
      management.router,
      management.oauthCallback,
      ...(opts.extraRouters ?? []),
      consoleRoutes(),
    ],
  });
  // Slow bodies must not hold a connection forever: a request not fully received within the
  // timeout is answered 408 and closed (checked every second, not Node's default 30 s).
  const requestTimeoutMs = config.SWITCHYARD_HTTP_REQUEST_TIMEOUT;
  const drain = drainingGate(app, hooks.deliver);
  const server = http.createServer(
    { requestTimeout: requestTimeoutMs, headersTimeout: Math.min(10_000, requestTimeoutMs), connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs) },
    drain.handler,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  // Engine events raised elsewhere (worker-side disconnects via the outbox, closed runs via visibility).
  const pump = startEventPump({
    client,
    store,
    events,
    logger,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    intervalMs: config.SWITCHYARD_ENGINE_EVENTS_POLL,
    webhookLog: { log: webhooks.log, retentionMs: config.SWITCHYARD_WEBHOOK_LOG_RETENTION },
    inboundLog: { log: store.inboundLog, retentionMs: config.SWITCHYARD_INBOUND_LOG_RETENTION },
    runEventsLagMs: config.SWITCHYARD_RUN_EVENTS_LAG,
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
    namespaceReady: namespace.ready,
    close: async () => {
      namespace.stop();
      // Stop accepting, let requests in flight finish (their acknowledgements are the promise that
      // nothing is lost), and only then close what is left and the background loops.
      drain.start();
      await closeGracefully(server, config.SWITCHYARD_API_SHUTDOWN_GRACE);
      await inbox.stop();
      await pump.stop();
      stopWaking();
      stopPublishing();
    },
  };
}
