import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from '../errors';
import { authenticatedToken } from './auth';

export interface RateLimitPolicy {
  /** Requests per token per 60-second window (the window starts at the token's first request). */
  perMinute: number;
  /** Extra requests per token per hour once a minute's quota is spent (0: none). */
  burstPerHour: number;
  /** Window lengths in seconds (tests shorten them); default 60 and 3600. */
  windowSeconds?: number;
  burstWindowSeconds?: number;
}

/** Whose quota a request draws on, and how the 429 names it ("token tk_1", "hook URL /hooks/x"). */
export interface RateLimitKey {
  key(req: Request, res: Response): string;
  subject(key: string): string;
  /** Keeps this limit's counters apart from other limits' in the shared table ("hook"); absent: the per-token limit's. */
  scope?: string;
  /**
   * The handler may give the request's point back (`refundRateLimit`, sign-in: on success), so that
   * only the others count; the point is still taken up front, so concurrent requests cannot slip
   * past the limit. Refunds the per-minute quota only.
   */
  refundable?: boolean;
}

const REFUND = 'switchyard.rateLimitRefund';

/** Gives back the point this request took from a `refundable` limit (once; a no-op without one). */
export async function refundRateLimit(res: Response): Promise<void> {
  const refund = res.locals[REFUND] as (() => Promise<unknown>) | undefined;
  res.locals[REFUND] = undefined;
  await refund?.();
}

/**
 * Counters in the store's `api_rate_limits` table, shared by every API process on the same
 * PostgreSQL; without a pool (SQLite: one process), in process memory. Should PostgreSQL fail to
 * answer, each process falls back to its own in-memory counters (catalogue G5: the limit then
 * holds per process, so a key gets at most `processes × limit` until the store is back).
 */
function limiterFor(keyPrefix: string, points: number, duration: number, pool: pg.Pool | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  if (!pool) return memory;
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'api_rate_limits',
    tableCreated: true,
    keyPrefix,
    points,
    duration,
    insuranceLimiter: memory,
  });
}

/** A limit to draw on by key, outside express too (the webhook ingress answers on plain Node HTTP). */
export interface RateLimit {
  /**
   * Takes a point for `key` and sets the limit's headers on `res`; rejects with a 429 HttpError
   * (with `Retry-After`) once the key's quota is spent. Resolves with a way to give the point back.
   */
  consume(key: string, res: ServerResponse): Promise<{ refund: () => Promise<unknown> }>;
}

/**
 * A limit per key (rate-limiter-flexible; shared through PostgreSQL when `pool` is given, else in process memory): `perMinute` requests per window,
 * plus a `burstPerHour` allowance drawn only once the minute's quota is spent. Every answer
 * carries the IETF draft `RateLimit`/`RateLimit-Policy` fields and the de facto `X-RateLimit-*`;
 * a rejection is 429 with an integer `Retry-After` ≥ 1.
 */
export function createRateLimit(policy: RateLimitPolicy, by: Pick<RateLimitKey, 'subject' | 'scope'>, pool?: pg.Pool): RateLimit {
  const MINUTE = policy.windowSeconds ?? 60;
  const HOUR = policy.burstWindowSeconds ?? 3600;
  const prefix = (window: string) => (by.scope ? `${by.scope}-${window}` : window);
  const minute = limiterFor(prefix('minute'), policy.perMinute, MINUTE, pool);
  const limiter = policy.burstPerHour > 0 ? new BurstyRateLimiter(minute, limiterFor(prefix('burst'), policy.burstPerHour, HOUR, pool)) : minute;
  const policyHeader = [`"default";q=${policy.perMinute};w=${MINUTE}`, ...(policy.burstPerHour > 0 ? [`"burst";q=${policy.burstPerHour};w=${HOUR}`] : [])].join(', ');

  return {
    consume: (key, res) =>
      limiter.consume(key).then(
        (result) => {
          setHeaders(res, policy, policyHeader, result);
          return { refund: () => minute.reward(key, 1) };
        },
        (rejection: unknown) => {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          const headers = setHeaders(res, policy, policyHeader, rejection);
          const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw new HttpError(429, 'rate_limited', `${by.subject(key)} exceeded its limit of ${policy.perMinute} requests per ${MINUTE} s; retry after ${retryAfter} s`, { retryAfter }, {
            ...headers,
            'Retry-After': String(retryAfter),
          });
        },
      ),
  };
}

/** `createRateLimit` as express middleware, keyed per request. */
function rateLimit(policy: RateLimitPolicy, by: RateLimitKey, pool?: pg.Pool): RequestHandler {
  return limitRequests(createRateLimit(policy, by, pool), by);
}

/** Express middleware drawing on `limit` (one limit may serve several routes and a plain handler: they share its counters). */
export function limitRequests(limit: RateLimit, by: Pick<RateLimitKey, 'key' | 'refundable'>): RequestHandler {
  return (req, res, next) => {
    limit.consume(by.key(req, res), res).then((taken) => {
      if (by.refundable) res.locals[REFUND] = taken.refund;
      next();
    }, next);
  };
}

/** The API's limit: per authenticated token (across API processes, given the store's PostgreSQL pool). */
export function rateLimitPerToken(policy: RateLimitPolicy, pool?: pg.Pool): RequestHandler {
  return rateLimit(policy, { key: (_req, res) => authenticatedToken(res).id, subject: (id) => `token ${id}` }, pool);
}

/**
 * Sign-in attempts per client address (the console's `POST /api/v1/session`): a failed one (a wrong,
 * revoked or expired token, a malformed body) spends a point, a successful one gives it back
 * (the route calls `refundRateLimit` before it answers).
 * The address is `req.ip`: the peer, or the client a loopback proxy names in X-Forwarded-For.
 */
export function rateLimitSignIn(policy: RateLimitPolicy, pool?: pg.Pool): RequestHandler {
  return rateLimit(policy, { key: (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown', subject: (ip) => `client address ${ip}`, scope: 'sign-in', refundable: true }, pool);
}

function setHeaders(res: ServerResponse, policy: RateLimitPolicy, policyHeader: string, result: RateLimiterRes): Record<string, string> {
  const remaining = Math.max(0, result.remainingPoints);
  const resetSeconds = Math.max(0, Math.ceil(result.msBeforeNext / 1000));
  const headers = {
    'RateLimit-Policy': policyHeader,
    RateLimit: `"default";r=${remaining};t=${resetSeconds}`,
    'X-RateLimit-Limit': String(policy.perMinute),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(Math.ceil((Date.now() + result.msBeforeNext) / 1000)),
  };
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return headers;
}
