import { Router } from 'express';
import type pg from 'pg';
import type { PayloadCodec } from '@temporalio/common';
import type { SessionStore } from '../../store/sessions';
import type { TokenStore } from '../../store/tokens';
import { openApiDocument } from '../openapi';
import { authenticate } from './auth';
import { codecRoutes } from './codec-routes';
import { connectionRoutes, type ConnectionRoutesDeps } from './connections-routes';
import { eventRoutes, type EventRoutesDeps } from './events-routes';
import { identityRoutes } from './identity-routes';
import { rateLimitPerToken, rateLimitSignIn, type RateLimitPolicy } from './rate-limit';
import { mountRoutes, type ApiRoute } from './route';
import { sessionOpenApi, sessionRoutes } from './session-routes';
import { tokenRoutes } from './tokens-routes';

export interface ApiV1Deps {
  tokens: TokenStore;
  rateLimit: RateLimitPolicy;
  /** The store's PostgreSQL pool: the rate limit's counters are then shared by every API process. */
  rateLimitPool?: pg.Pool;
  rotationGraceMs: number;
  /** Console sessions: sign in with a token, then the cookie (and X-CSRF-Token on writes) stands for it. */
  sessions?: { store: SessionStore; ttlMs: number };
  /** Failed sign-ins per client address (SWITCHYARD_SIGNIN_RATE_LIMIT); default 10 a minute. */
  signInRateLimit?: RateLimitPolicy;
  connections?: ConnectionRoutesDeps;
  events?: EventRoutesDeps;
  /** SWITCHYARD_IDENTITY_SECRET; the identity route answers 409 without it. */
  identitySecret?: string;
  /** The Temporal codec endpoint (`/codec/encode|decode`) for the Web UI. */
  codec?: { codec: PayloadCodec; allowedOrigins: string[] };
  /** Route groups owned elsewhere (recipes, runs, webhooks, …). */
  routeGroups?: ApiRoute[][];
  version?: string;
  /** PUBLIC_URL, the OpenAPI document's server. */
  publicUrl?: string;
  /** Public operations outside /api/v1 (the OAuth callback) for the OpenAPI document, by path and method. */
  publicPaths?: Record<string, Record<string, unknown>>;
  now?: () => Date;
}

export interface ApiV1 {
  router: Router;
  /** Every operation mounted under /api/v1 (the OpenAPI document and the scope matrix use it). */
  routes: ApiRoute[];
}

/**
 * `/api/v1/*` behind bearer auth (or the console's session cookie), the per-token rate limit and each route's scope; the codec
 * endpoint behind the same guards; `/openapi.json` is public.
 */
export function apiV1(deps: ApiV1Deps): ApiV1 {
  const routes = [
    ...tokenRoutes({ tokens: deps.tokens, rotationGraceMs: deps.rotationGraceMs, now: deps.now }),
    ...(deps.connections ? connectionRoutes({ now: deps.now, ...deps.connections }) : []),
    ...(deps.events ? eventRoutes({ now: deps.now, ...deps.events }) : []),
    ...identityRoutes({ identitySecret: deps.identitySecret }),
    ...(deps.routeGroups ?? []).flat(),
  ];
  const guards = [authenticate(deps.tokens, deps.now, deps.sessions?.store), rateLimitPerToken(deps.rateLimit, deps.rateLimitPool)];
  const router = Router();
  let document: Record<string, unknown> | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= openApiDocument(routes, { version: deps.version ?? '1', serverUrl: deps.publicUrl, publicPaths: { ...(deps.sessions ? sessionOpenApi : {}), ...deps.publicPaths } });
    res.json(document);
  });
  if (deps.sessions) {
    const signInLimit = rateLimitSignIn(deps.signInRateLimit ?? { perMinute: 10, burstPerHour: 0 }, deps.rateLimitPool);
    router.use(sessionRoutes({ tokens: deps.tokens, sessions: deps.sessions.store, ttlMs: deps.sessions.ttlMs, publicUrl: deps.publicUrl, guards, signInLimit, now: deps.now }));
  }
  if (deps.codec) router.use(codecRoutes({ ...deps.codec, guards }));
  router.use(mountRoutes(routes, guards));
  return { router, routes };
}
