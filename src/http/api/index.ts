import { Router } from 'express';
import type { TokenStore } from '../../store/tokens';
import { openApiDocument } from '../openapi';
import { authenticate } from './auth';
import { rateLimitPerToken, type RateLimitPolicy } from './rate-limit';
import { mountRoutes, type ApiRoute } from './route';
import { tokenRoutes } from './tokens-routes';

export interface ApiV1Deps {
  tokens: TokenStore;
  rateLimit: RateLimitPolicy;
  rotationGraceMs: number;
  /** Route groups owned elsewhere (connections, events, recipes, runs, webhooks, …). */
  routeGroups?: ApiRoute[][];
  version?: string;
  now?: () => Date;
}

export interface ApiV1 {
  router: Router;
  /** Every operation mounted under /api/v1 (the OpenAPI document and the scope matrix use it). */
  routes: ApiRoute[];
}

/** `/api/v1/*` behind bearer auth, the per-token rate limit and each route's scope; `/openapi.json` is public. */
export function apiV1(deps: ApiV1Deps): ApiV1 {
  const routes = [...tokenRoutes({ tokens: deps.tokens, rotationGraceMs: deps.rotationGraceMs, now: deps.now }), ...(deps.routeGroups ?? []).flat()];
  const router = Router();
  let document: Record<string, unknown> | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= openApiDocument(routes, { version: deps.version ?? '1' });
    res.json(document);
  });
  router.use(mountRoutes(routes, [authenticate(deps.tokens, deps.now), rateLimitPerToken(deps.rateLimit)]));
  return { router, routes };
}
