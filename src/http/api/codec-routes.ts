import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { HttpError } from '../errors';
import { requireScope } from './auth';
import { parse } from './route';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'expected base64' });
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});

export interface CodecRoutesDeps {
  codec: PayloadCodec;
  /** Origins allowed to call from a browser (the Temporal Web UI). */
  allowedOrigins: string[];
  /** Authentication and rate limit, shared with /api/v1. */
  guards: RequestHandler[];
}

/**
 * The Temporal codec server protocol (`POST <endpoint>/encode|decode` with `{ payloads }`), so the
 * Web UI and `temporal --codec-endpoint` can show decrypted payloads to holders of a token:
 * decoding needs `runs:read`, encoding `runs:write`. CORS only for the configured UI origins.
 * The CLI sends the token as a header (`--codec-auth 'Bearer sy_…'`); the Web UI cannot, so each
 * person may put their own token in the endpoint they configure: `<api>/codec/t/<token>`.
 */
export function codecRoutes(deps: CodecRoutesDeps): Router {
  const router = Router();
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin) {
      if (!deps.allowedOrigins.includes(origin)) {
        return next(new HttpError(403, 'origin_not_allowed', `origin ${origin} may not call the codec endpoint; allowed: ${deps.allowedOrigins.join(', ') || 'none'} (SWITCHYARD_CODEC_CORS_ORIGINS)`));
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Vary', 'Origin');
    next();
  };
  const paths = (action: string) => [`/codec/${action}`, `/codec/t/:token/${action}`];
  const tokenFromPath: RequestHandler = (req, _res, next) => {
    const token = req.params.token;
    if (typeof token === 'string' && !req.headers.authorization) req.headers.authorization = `Bearer ${token}`;
    next();
  };
  router.options([...paths('encode'), ...paths('decode')], cors, (_req, res) => {
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });
  const json = express.json({ limit: '4mb' });
  for (const [action, scope] of [
    ['encode', 'runs:write'],
    ['decode', 'runs:read'],
  ] as const) {
    router.post(paths(action), cors, tokenFromPath, ...deps.guards, requireScope(scope), json, (req, res, next) => {
      const body = parse(payloadsBody, req.body ?? {}, 'body');
      const payloads = body.payloads.map(fromJson);
      deps.codec[action](payloads)
        .then((out) => res.json({ payloads: out.map(toJson) }))
        .catch((err: unknown) => next(new HttpError(422, `${action}_failed`, `could not ${action} the payloads: ${(err as Error).message}`)));
    });
  }
  return router;
}

function fromJson(p: { metadata?: Record<string, string>; data?: string }): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
