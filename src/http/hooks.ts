import { Router, type Request, type Response } from 'express';
import { InvalidDeliveryError } from '../../connectors/sdk/errors';
import type { WebhookSourceDefinition } from '../../connectors/sdk/types';
import type { Plan, RunEvent } from '../../workflows/plan';
import { startEventRuns, type EventStartDeps } from '../engine/start-event-runs';
import { eventHash, type StartOutcome } from '../engine/start-runs';
import type { PlanCache } from '../engine/plan-cache';
import { planMatchesEvent } from '../recipe/match';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import { HttpError, runStartHttpError } from './errors';
import { answerGetChallenge, sendChallengeAnswer } from './hook-challenge';
import { inboundDeliveries, runsStarted } from './metrics';
import { rawBodyWithin } from './raw-body';

export interface HooksDeps extends Omit<EventStartDeps, 'payloadRef'> {
  store: Store;
  plans: PlanCache;
  webhookSource(connectorId: string): WebhookSourceDefinition | undefined;
  maxBodyBytes: number;
  logger: Logger;
  now?: () => Date;
  /** SWITCHYARD_PAYLOAD_REF_BYTES: larger payloads are stored by reference instead of entering workflow history. */
  payloadRefBytes?: number;
}

/**
 * `POST /hooks/:connection[/:token]`: verify the raw bytes, parse, dedupe, start every matching
 * run, and answer 2xx only once Temporal accepted all of them.
 */
export function hookRoutes(deps: HooksDeps): Router {
  const router = Router();
  const rawBody = rawBodyWithin(deps.maxBodyBytes);
  const starts: EventStartDeps = { ...deps, payloadRef: { payloads: deps.store.payloads, thresholdBytes: deps.payloadRefBytes } };
  const handler = async (req: Request, res: Response) => {
    const connectionId = String(req.params.connection);
    const connection = await deps.store.connections.get(connectionId);
    if (!connection) throw new HttpError(404, 'unknown_connection', `no connection with id ${connectionId}`, { connection: connectionId });
    const source = deps.webhookSource(connection.connector);
    if (!source) throw new HttpError(404, 'not_a_webhook_connection', `connection ${connectionId} (${connection.connector}) does not receive webhooks`);
    if (!req.is(['application/json', 'application/*+json'])) {
      throw new HttpError(415, 'unsupported_media_type', `expected Content-Type application/json, got ${req.get('content-type') ?? 'none'}`, {
        header: 'content-type',
      });
    }
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = { rawBody: body, headers: req.headers, pathToken: req.params.token ? String(req.params.token) : undefined };
    const credentials = await deps.store.connections.credentials(connectionId);
    const now = deps.now?.() ?? new Date();
    const verdict = source.verify(request, credentials, now);
    if (!verdict.ok) throw new HttpError(401, 'invalid_signature', verdict.reason, verdict.header ? { header: verdict.header } : undefined);

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new HttpError(400, 'malformed_json', `request body is not valid JSON: ${(err as Error).message}`);
    }
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
    // Recipes may name a topic by its documented alias (e.g. Intercom's `conversation.created`).
    const aliases = source.topicAliases ?? {};
    const canonical = (plan: Plan): Plan =>
      plan.trigger.type === 'webhook' && aliases[plan.trigger.event] ? { ...plan, trigger: { ...plan.trigger, event: aliases[plan.trigger.event]! } } : plan;
    const receivedAt = now.toISOString();
    const plans = await deps.plans.enabledPlans();
    let matched = 0;
    let fresh = 0;
    const runs: StartOutcome[] = [];
    for (const inbound of events) {
      const hash = eventHash(connectionId, inbound.id);
      if (await deps.store.deliveries.seen(connectionId, hash)) continue;
      fresh++;
      const event: RunEvent = { id: inbound.id, topic: inbound.topic, source: connectionId, receivedAt, payload: inbound.payload };
      const matching = plans.filter((plan) => planMatchesEvent(canonical(plan), event));
      matched += matching.length;
      try {
        runs.push(...(await startEventRuns(starts, event, hash, matching, now)));
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message, connection: connectionId }, 'could not start runs; asking the sender to retry');
        throw runStartHttpError(err, 'the run could not be durably accepted; retry later');
      }
      await deps.store.deliveries.remember(connectionId, hash, now);
    }
    const started = runs.filter((r) => r.status === 'started');
    runsStarted.inc({ trigger: 'webhook' }, started.length);
    if ((events.length > 0 && fresh === 0) || (runs.length > 0 && started.length === 0)) {
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
  router.post(['/hooks/:connection', '/hooks/:connection/:token'], rawBody, (req, res, next) => {
    handler(req, res).catch((err: unknown) => {
      inboundDeliveries.inc({ outcome: err instanceof HttpError && err.status === 503 ? 'unavailable' : 'rejected' });
      next(err);
    });
  });
  router.get('/hooks/:connection', (req, res, next) => {
    answerGetChallenge(deps, req, res).catch(next);
  });
  return router;
}
