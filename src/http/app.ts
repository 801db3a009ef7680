import express, { type Router } from 'express';
import { errorHandler, notFoundHandler } from './errors';
import { healthRoutes, type ReadinessCheck } from './health';
import { metricsRoutes } from './metrics';
import { TRUSTED_PROXY } from './request-origin';
import type { Logger } from '../logging';

export interface AppParts {
  logger: Logger;
  readiness: Record<string, ReadinessCheck>;
  /** Readiness checks whose failure only delays dispatch from the inbox (see healthRoutes). */
  deferredReadiness?: string[];
  /** Routers mounted in order: hooks, API, catalog, ... */
  routers: Router[];
}

/** The HTTP surface: health, inbound hooks and the API; every error is JSON, never a stack trace. */
export function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', TRUSTED_PROXY);
  app.use(healthRoutes(parts.readiness, parts.deferredReadiness));
  app.use(metricsRoutes());
  for (const router of parts.routers) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler((err) => parts.logger.error({ err }, 'unhandled error in request')));
  return app;
}
