import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router } from 'express';
import type pg from 'pg';
import typeis from 'type-is';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import { InvalidDeliveryError } from '../../connectors/sdk/errors';
import { githubSignature, signHub } from '../../connectors/sdk/signatures/hub-signature';
import type { WebhookRequest } from '../../connectors/sdk/types';
import { InboxFullError } from '../engine/inbox';
import { EventsNotAcceptedError, ingestEvents, type IngestDeps } from '../engine/ingest-event';
import type { Logger } from '../logging';
import type { InboundLogEntry, InboundOutcome } from '../store/inbound-log';
import type { Store } from '../store/store';
import { answerError, HttpError, httpErrorFor, sendJson } from './errors';
import { answerGetChallenge, sendChallengeAnswer } from './hook-challenge';
import { inboundDeliveries } from './metrics';
import { readBodyWithin } from './raw-body';
import { parseJsonBody } from './json-body';
import { createRateLimit, limitRequests, type RateLimitPolicy } from './api/rate-limit';
import { requestProtocol } from './request-origin';

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

/** What the handler learned about a delivery, for the inbound log. */
interface DeliveryNote {
  topic?: string;
  eventCount?: number;
  outcome?: InboundOutcome;
  reason?: string;
  runs?: { recipeId: string; runId: string }[];
  error?: unknown;
  /** The body as read (absent when it was refused before or while reading). */
  body?: Buffer;
}

/**
 * The inbound log's record of a delivery whose answer is out: `record` only queues it (the log's
 * group commit writes it later), so neither the ack's latency nor its status depends on the log. A
 * body is kept unless the connection does not exist (anyone can post to any hook URL).
 */
function logEntry(req: IncomingMessage, res: ServerResponse, connectionId: string, receivedAt: string, note: DeliveryNote): InboundLogEntry {
  const denied = note.error instanceof NotAuthenticatedError ? note.error : undefined;
  const error = note.error === undefined || denied ? undefined : httpErrorFor(note.error, 'accept an inbound delivery');
  const read = note.body;
  return {
    receivedAt,
    connectionId,
    topic: note.topic ?? null,
    outcome: note.outcome ?? 'rejected',
    reason: denied?.reason ?? error?.code ?? note.reason ?? (res.writableFinished ? null : 'aborted'),
    detail: denied?.detail ?? error?.message ?? null,
    status: res.statusCode,
    eventCount: note.eventCount ?? 0,
    runs: note.runs ?? [],
    sizeBytes: read?.length ?? (Number(req.headers['content-length']) || 0),
    ...(read && denied?.reason !== 'unknown_connection' ? { payload: read.toString('utf8') } : {}),
  };
}

/** `/hooks/:connection[/:token]`, matched as express matches a route (any case, an optional trailing slash, escapes decoded). */
const HOOK_PATH = /^\/hooks\/([^/]+)(?:\/([^/]+))?\/?$/i;

interface HookTarget {
  path: string;
  connection: string;
  token?: string;
}

/** The hook a POST is for (undefined for any other request); a 400 for a path whose escapes do not decode. */
function hookTarget(req: IncomingMessage): HookTarget | HttpError | undefined {
  if (req.method !== 'POST') return undefined;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const match = HOOK_PATH.exec(path);
  if (!match) return undefined;
  try {
    return { path, connection: decodeURIComponent(match[1]!), ...(match[2] === undefined ? {} : { token: decodeURIComponent(match[2]) }) };
  } catch {
    return new HttpError(400, 'invalid_path', `the hook URL ${path} holds a percent-escape that does not decode to UTF-8`);
  }
}

/**
 * Verify the raw bytes, parse, hand the events to the engine (ingestEvents) and answer: 2xx only
 * once the events are durable in the inbox (their runs start from there, also when Temporal is
 * down now).
 */
async function acceptDelivery(deps: HooksDeps, req: IncomingMessage, res: ServerResponse, target: HookTarget, body: Buffer, note: DeliveryNote): Promise<void> {
  const { connection: connectionId } = target;
  if (!typeis(req, ['application/json', 'application/*+json'])) {
    throw new HttpError(415, 'unsupported_media_type', `expected Content-Type application/json, got ${req.headers['content-type'] ?? 'none'}`, {
      header: 'content-type',
    });
  }
  const request: WebhookRequest = {
    rawBody: body,
    headers: req.headers,
    pathToken: target.token,
    method: 'POST',
    // Read only by the schemes that sign the URL (HubSpot v3).
    get url() {
      return `${deps.publicUrl?.replace(/\/$/, '') ?? `${requestProtocol(req)}://${req.headers.host}`}${req.url}`;
    },
  };
  const now = deps.now?.() ?? new Date();
  const { connection, source, credentials } = await authenticateDelivery(deps, connectionId, request, now);

  const parsed = parseJsonBody(body);
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
    return sendJson(res, 200, { duplicate: true });
  }
  if (matched === 0 && syncs.length === 0) {
    inboundDeliveries.inc({ outcome: 'unmatched' });
    Object.assign(note, { outcome: 'unmatched', reason: events.length > 0 ? 'no_recipe' : extracted.length > 0 ? 'ignored_topic' : 'no_events' });
    return sendJson(res, 200, { matched: 0 });
  }
  inboundDeliveries.inc({ outcome: 'accepted' });
  Object.assign(note, { outcome: 'accepted', runs: runs.map((r) => ({ recipeId: r.recipeId, runId: r.workflowId })) });
  sendJson(res, 202, { matched, runs: runs.map((r) => ({ recipe: r.recipeId, runId: r.workflowId, duplicate: r.status === 'duplicate' })), ...(syncs.length > 0 ? { syncs } : {}) });
}

export interface HookRoutes {
  /**
   * Serves a `POST /hooks/:connection[/:token]` (a delivery) and answers true; false for any other
   * request, which the app serves. Deliveries are the one route on plain Node HTTP: leaving express
   * cut the API's CPU per acknowledgement by ~40 % (issue #13, bench/RESULTS.md).
   */
  deliver: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** `GET /hooks/:connection`: the senders' verification handshakes (same per-hook limit). */
  router: Router;
}

/** The webhook ingress: deliveries (rate limited per hook URL before anything is looked up or decrypted, then read, verified, accepted) and handshakes. */
export function hookRoutes(deps: HooksDeps): HookRoutes {
  const perHook = createRateLimit(deps.rateLimit, { subject: (id) => `hook URL /hooks/${id}`, scope: 'hook' }, deps.rateLimitPool);
  const logError = (err: unknown) => deps.logger.error({ err }, 'unhandled error in request');
  const receive = async (req: IncomingMessage, res: ServerResponse, target: HookTarget, note: DeliveryNote) => {
    await perHook.consume(target.connection, res);
    const body = await readBodyWithin(req, deps.maxBodyBytes);
    note.body = body;
    await acceptDelivery(deps, req, res, target, body, note).catch((err: unknown) => {
      inboundDeliveries.inc({ outcome: err instanceof EventsNotAcceptedError || err instanceof InboxFullError ? 'unavailable' : 'rejected' });
      throw err;
    });
  };
  const router = Router();
  router.get('/hooks/:connection', limitRequests(perHook, { key: (req) => String(req.params.connection) }), (req, res, next) => {
    answerGetChallenge(deps, req, res).catch(next);
  });
  return {
    router,
    deliver: (req, res) => {
      const target = hookTarget(req);
      if (!target) return false;
      if (target instanceof HttpError) {
        answerError(res, target, logError, 'serve a hook URL');
        return true;
      }
      const note: DeliveryNote = {};
      if (deps.inboundLog) {
        const { inboundLog } = deps;
        const receivedAt = (deps.now?.() ?? new Date()).toISOString();
        res.once('close', () => inboundLog.record(logEntry(req, res, target.connection, receivedAt, note)));
      }
      receive(req, res, target, note).catch((err: unknown) => {
        note.error = err;
        answerError(res, err, logError, `serve POST ${target.path}`);
      });
      return true;
    },
  };
}
