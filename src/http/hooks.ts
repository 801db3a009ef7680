import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type pg from 'pg';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import { InvalidDeliveryError } from '../../connectors/sdk/errors';
import { githubSignature, signHub } from '../../connectors/sdk/signatures/hub-signature';
import type { WebhookRequest } from '../../connectors/sdk/types';
import { InboxFullError } from '../engine/inbox';
import { EventsNotAcceptedError, ingestEvents, type IngestDeps } from '../engine/ingest-event';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { HttpError } from './errors';
import { answerGetChallenge, sendChallengeAnswer } from './hook-challenge';
import { inboundDeliveries } from './metrics';
import { rawBodyWithin } from './raw-body';
import { parseJsonBody } from './json-body';
import { rateLimit, type RateLimitPolicy } from './api/rate-limit';

export interface HooksDeps extends Omit<IngestDeps, 'registry'> {
  store: Store;
  /** Where each connection's connector, and so its webhook source, is found. */
  registry: ConnectorRegistry;
  maxBodyBytes: number;
  logger: Logger;
  now?: () => Date;
  /** PUBLIC_URL: the origin senders post to, which schemes that sign the URL (HubSpot v3) see; else the request's own. */
  publicUrl?: string;
  /** SWITCHYARD_HOOKS_RATE_LIMIT: deliveries per minute per hook URL, counted before anything is looked up or decrypted. */
  rateLimit: RateLimitPolicy;
  /** The store's PostgreSQL pool: the per-hook counters are shared by every API process (else per process). */
  rateLimitPool?: pg.Pool;
}

/**
 * One answer for every delivery that is not authenticated, whatever the reason (no such
 * connection, one that receives no webhooks, a missing or wrong signature or token): from outside,
 * an unknown connection id looks like a bad signature. The reason goes to the server log.
 */
const notAuthenticated = () =>
  new HttpError(401, 'invalid_signature', 'the delivery is not authenticated for this hook URL (missing or wrong signature or token); the server log has the reason');

/** Keyed with a throwaway secret: an unknown connection costs an HMAC over the body, as a known one does. */
const decoySecret = randomBytes(32).toString('hex');

/** Looks the connection up and verifies the delivery, answering `notAuthenticated` whatever fails. */
async function authenticateDelivery(deps: HooksDeps, connectionId: string, request: WebhookRequest, now: Date) {
  const connection = await deps.store.connections.get(connectionId);
  const source = connection && deps.registry.getConnector(connection.connector)?.webhookSource;
  if (!connection || !source) {
    signHub(githubSignature, decoySecret, request.rawBody);
    deps.logger.info({ connection: connectionId, reason: connection ? `connector ${connection.connector} receives no webhooks` : 'no such connection' }, 'inbound delivery not authenticated');
    throw notAuthenticated();
  }
  const credentials = await deps.store.connections.credentials(connectionId);
  const verdict = source.verify(request, credentials, now);
  if (!verdict.ok) {
    deps.logger.info({ connection: connectionId, reason: verdict.reason, header: verdict.header }, 'inbound delivery not authenticated');
    throw notAuthenticated();
  }
  return { connection, source, credentials };
}

/**
 * `POST /hooks/:connection[/:token]`: verify the raw bytes, parse, hand the events to the engine
 * (ingestEvents) and answer: 2xx only once the events are durable in the inbox (their runs start
 * from there, also when Temporal is down now).
 */
export function hookRoutes(deps: HooksDeps): Router {
  const router = Router();
  const rawBody = rawBodyWithin(deps.maxBodyBytes);
  const handler = async (req: Request, res: Response) => {
    const connectionId = String(req.params.connection);
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new HttpError(415, 'unsupported_media_type', `expected Content-Type application/json, got ${req.get('content-type') ?? 'none'}`, {
        header: 'content-type',
      });
    }
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const origin = deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
    const request = { rawBody: body, headers: req.headers, pathToken: req.params.token ? String(req.params.token) : undefined, method: req.method, url: `${origin}${req.originalUrl}` };
    const now = deps.now?.() ?? new Date();
    const { connection, source, credentials } = await authenticateDelivery(deps, connectionId, request, now);

    const parsed = parseJsonBody(body);
    let extracted;
    try {
      const handshake = source.challenge?.post?.(request, parsed, credentials);
      if (handshake) return sendChallengeAnswer(res, handshake);
      extracted = source.extract(request, parsed, credentials);
    } catch (err) {
      if (err instanceof InvalidDeliveryError) throw new HttpError(400, 'invalid_delivery', err.message);
      throw err;
    }
    const events = extracted.filter((e) => !source.ignoredTopics?.includes(e.topic));
    const { fresh, matched, runs } = await ingestEvents(deps, { connectionId, connector: connection.connector }, events, now);
    if (events.length > 0 && fresh === 0) {
      inboundDeliveries.inc({ outcome: 'duplicate' });
      return res.status(200).json({ duplicate: true });
    }
    if (matched === 0) {
      inboundDeliveries.inc({ outcome: 'unmatched' });
      return res.status(200).json({ matched: 0 });
    }
    inboundDeliveries.inc({ outcome: 'accepted' });
    res.status(202).json({ matched, runs: runs.map((r) => ({ recipe: r.recipeId, runId: r.workflowId, duplicate: r.status === 'duplicate' })) });
  };
  const perHook = rateLimit(deps.rateLimit, { key: (req) => String(req.params.connection), subject: (id) => `hook URL /hooks/${id}`, scope: 'hook' }, deps.rateLimitPool);
  router.post(['/hooks/:connection', '/hooks/:connection/:token'], perHook, rawBody, (req, res, next) => {
    handler(req, res).catch((err: unknown) => {
      inboundDeliveries.inc({ outcome: err instanceof EventsNotAcceptedError || err instanceof InboxFullError ? 'unavailable' : 'rejected' });
      next(err);
    });
  });
  router.get('/hooks/:connection', perHook, (req, res, next) => {
    answerGetChallenge(deps, req, res).catch(next);
  });
  return router;
}
