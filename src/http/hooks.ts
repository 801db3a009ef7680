import { randomBytes } from 'node:crypto';
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type pg from 'pg';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import { InvalidDeliveryError } from '../../connectors/sdk/errors';
import { githubSignature, signHub } from '../../connectors/sdk/signatures/hub-signature';
import type { WebhookRequest } from '../../connectors/sdk/types';
import { InboxFullError } from '../engine/inbox';
import { EventsNotAcceptedError, ingestEvents, type IngestDeps } from '../engine/ingest-event';
import type { Logger } from '../logging';
import type { InboundLogEntry, InboundOutcome } from '../store/inbound-log';
import type { Store } from '../store/store';
import { HttpError, httpErrorFor } from './errors';
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
  /** Where every delivery is recorded (the inbound log, SWITCHYARD_INBOUND_LOG_RETENTION); absent: not recorded. Never awaited. */
  inboundLog?: { record(entry: InboundLogEntry): void };
}

/**
 * One answer for every delivery that is not authenticated, whatever the reason (no such
 * connection, one that receives no webhooks, a missing or wrong signature or token): from outside,
 * an unknown connection id looks like a bad signature. The reason goes to the server log.
 */
class NotAuthenticatedError extends HttpError {
  constructor(
    /** For the server and the inbound log only, never the sender. */
    readonly reason: 'unknown_connection' | 'bad_signature',
    readonly detail: string,
  ) {
    super(401, 'invalid_signature', 'the delivery is not authenticated for this hook URL (missing or wrong signature or token); the server log has the reason');
  }
}

/** Keyed with a throwaway secret: an unknown connection costs an HMAC over the body, as a known one does. */
const decoySecret = randomBytes(32).toString('hex');

/** Looks the connection up and verifies the delivery, answering `notAuthenticated` whatever fails. */
async function authenticateDelivery(deps: HooksDeps, connectionId: string, request: WebhookRequest, now: Date) {
  // One read of the row: the connection and its sealed credentials (opened below, decrypted once per ciphertext).
  const found = await deps.store.connections.lookup(connectionId);
  const connection = found?.connection;
  const source = connection && deps.registry.getConnector(connection.connector)?.webhookSource;
  if (!connection || !source) {
    signHub(githubSignature, decoySecret, request.rawBody);
    const reason = connection ? `connector ${connection.connector} receives no webhooks` : 'no such connection';
    deps.logger.info({ connection: connectionId, reason }, 'inbound delivery not authenticated');
    throw new NotAuthenticatedError('unknown_connection', reason);
  }
  const credentials = found.open().credentials;
  const verdict = source.verify(request, credentials, now);
  if (!verdict.ok) {
    deps.logger.info({ connection: connectionId, reason: verdict.reason, header: verdict.header }, 'inbound delivery not authenticated');
    throw new NotAuthenticatedError('bad_signature', verdict.header ? `${verdict.reason} (${verdict.header})` : verdict.reason);
  }
  return { connection, source, credentials };
}

/** What the handler learned about a delivery, for the inbound log (kept in `res.locals`). */
interface DeliveryNote {
  topic?: string;
  eventCount?: number;
  outcome?: InboundOutcome;
  reason?: string;
  runs?: { recipeId: string; runId: string }[];
  error?: unknown;
}

const noteOf = (res: Response): DeliveryNote => (res.locals.inboundDelivery ??= {}) as DeliveryNote;

/**
 * Records each delivery in the inbound log once its answer is out: `record` only queues it (the
 * log's group commit writes it later), so neither the ack's latency nor its status depends on the
 * log. A body is kept unless the connection does not exist (anyone can post to any hook URL).
 */
function recordDeliveries(log: NonNullable<HooksDeps['inboundLog']>, now: () => Date): RequestHandler {
  return (req, res, next) => {
    const receivedAt = now().toISOString();
    // Read now: once an error leaves the router, express restores the outer (empty) params.
    const connectionId = String(req.params.connection);
    res.once('close', () => {
      const note = noteOf(res);
      const denied = note.error instanceof NotAuthenticatedError ? note.error : undefined;
      const error = note.error === undefined || denied ? undefined : httpErrorFor(note.error, 'accept an inbound delivery');
      const body: unknown = req.body;
      const read = Buffer.isBuffer(body) ? body : undefined;
      log.record({
        receivedAt,
        connectionId,
        topic: note.topic ?? null,
        outcome: note.outcome ?? 'rejected',
        reason: denied?.reason ?? error?.code ?? note.reason ?? (res.writableFinished ? null : 'aborted'),
        detail: denied?.detail ?? error?.message ?? null,
        status: res.statusCode,
        eventCount: note.eventCount ?? 0,
        runs: note.runs ?? [],
        sizeBytes: read?.length ?? (Number(req.get('content-length')) || 0),
        ...(read && denied?.reason !== 'unknown_connection' ? { payload: read.toString('utf8') } : {}),
      });
    });
    next();
  };
}

/** A JSON answer without express's ETag (a SHA-1 of the body that no sender of a POST uses). */
function answer(res: Response, status: number, body: unknown): void {
  res.status(status).type('json').end(JSON.stringify(body));
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
    const request: WebhookRequest = {
      rawBody: body,
      headers: req.headers,
      pathToken: req.params.token ? String(req.params.token) : undefined,
      method: req.method,
      // Read only by the schemes that sign the URL (HubSpot v3): req.protocol asks the trust-proxy check per call.
      get url() {
        return `${deps.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`}${req.originalUrl}`;
      },
    };
    const now = deps.now?.() ?? new Date();
    const { connection, source, credentials } = await authenticateDelivery(deps, connectionId, request, now);

    const parsed = parseJsonBody(body);
    const note = noteOf(res);
    let extracted;
    try {
      const handshake = source.challenge?.post?.(request, parsed, credentials);
      if (handshake) {
        Object.assign(note, { outcome: 'accepted', reason: 'challenge' });
        return sendChallengeAnswer(res, handshake);
      }
      extracted = source.extract(request, parsed, credentials);
    } catch (err) {
      if (err instanceof InvalidDeliveryError) throw new HttpError(400, 'invalid_delivery', err.message);
      throw err;
    }
    const events = extracted.filter((e) => !source.ignoredTopics?.includes(e.topic));
    note.topic = [...new Set(extracted.map((e) => e.topic))].join(',') || undefined;
    note.eventCount = extracted.length;
    const { fresh, matched, runs, syncs } = await ingestEvents(deps, { connectionId, connector: connection.connector }, events, now);
    if (events.length > 0 && fresh === 0) {
      inboundDeliveries.inc({ outcome: 'duplicate' });
      note.outcome = 'duplicate';
      return answer(res, 200, { duplicate: true });
    }
    if (matched === 0 && syncs.length === 0) {
      inboundDeliveries.inc({ outcome: 'unmatched' });
      Object.assign(note, { outcome: 'unmatched', reason: events.length > 0 ? 'no_recipe' : extracted.length > 0 ? 'ignored_topic' : 'no_events' });
      return answer(res, 200, { matched: 0 });
    }
    inboundDeliveries.inc({ outcome: 'accepted' });
    Object.assign(note, { outcome: 'accepted', runs: runs.map((r) => ({ recipeId: r.recipeId, runId: r.workflowId })) });
    answer(res, 202, { matched, runs: runs.map((r) => ({ recipe: r.recipeId, runId: r.workflowId, duplicate: r.status === 'duplicate' })), ...(syncs.length > 0 ? { syncs } : {}) });
  };
  const perHook = rateLimit(deps.rateLimit, { key: (req) => String(req.params.connection), subject: (id) => `hook URL /hooks/${id}`, scope: 'hook' }, deps.rateLimitPool);
  const recording: RequestHandler[] = deps.inboundLog ? [recordDeliveries(deps.inboundLog, () => deps.now?.() ?? new Date())] : [];
  // Errors (the rate limit's and the body reader's too) are noted for the inbound log, then answered as everywhere.
  const noteError: ErrorRequestHandler = (err, _req, res, next) => {
    noteOf(res).error = err;
    next(err);
  };
  router.post(
    ['/hooks/:connection', '/hooks/:connection/:token'],
    ...recording,
    perHook,
    rawBody,
    (req: Request, res: Response, next: NextFunction) => {
      handler(req, res).catch((err: unknown) => {
        inboundDeliveries.inc({ outcome: err instanceof EventsNotAcceptedError || err instanceof InboxFullError ? 'unavailable' : 'rejected' });
        next(err);
      });
    },
    noteError,
  );
  router.get('/hooks/:connection', perHook, (req, res, next) => {
    answerGetChallenge(deps, req, res).catch(next);
  });
  return router;
}
