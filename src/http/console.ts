import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../project-root';
import { HttpError } from './errors';

/** Where `npm run build:console` (run by `npm ci` and by `npm start` when missing) writes the console. */
export const consoleDist = path.join(projectRoot, 'console', 'dist');

/** Paths the console never answers for: the API, hooks, health, metrics, the codec and OAuth callbacks. */
const reserved = /^\/(api|hooks|healthz|readyz|metrics|openapi\.json|codec|oauth)(\/|$)/;

/**
 * Console security headers: everything comes from this server (no CDN, no inline script), and
 * no other site may frame it.
 */
const htmlHeaders = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

/**
 * The console (console/, a Preact SPA) at `/`: its hashed assets cached for good, index.html for
 * every other GET that accepts HTML and is not a reserved path (the SPA's router takes it from there).
 */
export function consoleRoutes(dist = consoleDist): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  router.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  // A middleware, not a route: the route table (and the scope-matrix test reading it) stays /api's.
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || reserved.test(req.path) || req.path.startsWith('/assets/') || !req.accepts('html')) return next();
    if (!existsSync(index)) return next(new HttpError(503, 'console_not_built', 'the console is not built; run npm run build:console (npm ci and npm start do it)'));
    res.set(htmlHeaders).sendFile(index);
  });
  return router;
}
