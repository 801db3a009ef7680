import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { type z } from 'zod';
import type { ApiScope } from '../../security/scopes';
import type { ApiToken } from '../../store/tokens';
import { HttpError } from '../errors';
import { assertJsonDepth } from '../json-body';
import { authenticatedToken, requireScope } from './auth';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface RouteContext<B, Q> {
  req: Request;
  res: Response;
  params: Record<string, string>;
  body: B;
  query: Q;
  token: ApiToken;
}

/** What a handler answers: a status and a JSON body, or `undefined` when it wrote the response itself. */
type RouteResult = { status: number; body?: unknown } | undefined;

/**
 * One /api/v1 operation. The same zod schemas validate requests and generate `/openapi.json`,
 * and the scope is what the scope-matrix test checks.
 */
export interface ApiRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  /** Express path, e.g. `/api/v1/connections/:id`. */
  path: string;
  scope: ApiScope;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  /** Largest JSON body in bytes (default 1 MB); above it 413 `payload_too_large`. */
  maxBodyBytes?: number;
  /** Schema of the success body, for the OpenAPI document only. */
  response?: z.ZodType;
  successStatus?: number;
  handler(ctx: RouteContext<z.output<B>, z.output<Q>>): Promise<RouteResult>;
}

/** A route module's answer types, from the zod schemas of its bodies: `AnswersOf<{ page: typeof runPage }>['page']`. */
export type AnswersOf<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.output<S[K]> };

export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(route: ApiRoute<B, Q>): ApiRoute {
  return route;
}

const jsonBodyWithin = (limit: number | string) => express.json({ limit, type: ['application/json', 'application/*+json'] });
const jsonBody = jsonBodyWithin('1mb');

/**
 * Mounts routes behind `guards` (authentication, then the rate limit), each followed by its
 * scope check, JSON body parsing (nesting capped, see json-body.ts) and validation.
 */
export function mountRoutes(routes: ApiRoute[], guards: RequestHandler[]): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](route.path, ...guards, requireScope(route.scope), requireJson(route), route.maxBodyBytes === undefined ? jsonBody : jsonBodyWithin(route.maxBodyBytes), (req: Request, res: Response, next: NextFunction) => {
      run(route, req, res).catch(next);
    });
  }
  return router;
}

async function run(route: ApiRoute, req: Request, res: Response): Promise<void> {
  assertJsonDepth(req.body);
  const body = route.body ? parse(route.body, req.body ?? {}, 'body') : undefined;
  const query = route.query ? parseQuery(route.query, { ...req.query }) : undefined;
  const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
  const result = await route.handler({ req, res, params, body, query, token: authenticatedToken(res) });
  if (!result || res.headersSent) return;
  if (result.body === undefined) res.status(result.status).end();
  else res.status(result.status).json(result.body);
}

function requireJson(route: ApiRoute): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (route.body && hasBody && !req.is(['application/json', 'application/*+json'])) {
      return next(new HttpError(415, 'unsupported_media_type', `expected Content-Type application/json, got ${req.get('content-type') ?? 'none'}`, { header: 'content-type' }));
    }
    next();
  };
}

/** 422 naming every offending path, e.g. `body.credentials.apiToken: expected string, received undefined`. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error, where);
}

/**
 * 400 `invalid_query` naming the parameter, e.g. `query.status: given 2 times; expected one value`
 * (the same answer the runs listing gives for a value it rejects).
 */
function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const parameter = String(issue.path[0] ?? (issue as { keys?: string[] }).keys?.[0] ?? '');
    const given = query[parameter];
    const message = Array.isArray(given) ? `given ${given.length} times; expected one value` : issue.message;
    return { path: `query.${parameter}`, parameter, message };
  });
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new HttpError(400, 'invalid_query', `${first.path}: ${first.message}${more}`, { issues });
}

export function validationError(error: z.ZodError, where: string): HttpError {
  const issues = error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HttpError(422, 'invalid_request', `${first.path}: ${first.message}${more}`, { issues });
}
