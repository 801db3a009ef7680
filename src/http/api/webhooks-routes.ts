import { z } from 'zod';
import { topicsSchema } from '../../webhooks-out/topics';
import type { WebhooksOut } from '../../webhooks-out/webhooks-out';
import { durationMs } from '../../recipe/duration';
import { defineRoute, type AnswersOf, type ApiRoute } from './route';

const url = z.string().min(1).max(2048).describe('where deliveries are POSTed; http(s), public destinations only');
const description = z.string().max(500).nullable();

const createWebhookBody = z.strictObject({ url, topics: topicsSchema, description: description.optional() });
const updateWebhookBody = z
  .strictObject({ url: url.optional(), topics: topicsSchema.optional(), description: description.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of url, topics, description' });
const rotateBody = z.strictObject({
  window: durationMs({ positive: true }).optional().describe('how long the previous secret keeps signing (a second v1 signature); default 24h, 0 not allowed — delete and recreate to cut over at once'),
});
const isoTime = z.iso.datetime({ offset: true });
const recoverBody = z.strictObject({ since: isoTime.describe('re-send failed messages created at or after this'), until: isoTime.optional() });
const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: isoTime.optional().describe('page: messages created before this'),
});

const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  topics: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['enabled', 'disabled']),
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable().describe('start of the current run of failed attempts; 5 days of it disables the subscription'),
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const withSecret = webhookSchema.extend({ secret: z.string().describe('whsec_…: shown once; verify deliveries with it') });
export const attemptSchema = z.object({
  attempt: z.number(),
  attemptedAt: z.string(),
  outcome: z.string(),
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  responseSnippet: z.string().nullable().describe('at most 1 KB of the receiver’s body'),
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});
export const deliverySchema = z.object({
  subscriptionId: z.string(),
  messageId: z.string().describe('the webhook-id header, constant across attempts'),
  topic: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  firstSentAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
const deliveryDetail = deliverySchema.extend({ attempts_log: z.array(attemptSchema) });
const testResponse = z.object({ status: z.number().nullable(), latencyMs: z.number(), body: z.string().nullable(), error: z.string().nullable() });
const recoveryStarted = z.object({ recoveryId: z.string() });

/** What the webhook routes answer, for clients (the CLI) that read them. */
export type WebhookAnswers = AnswersOf<{ webhook: typeof webhookSchema; withSecret: typeof withSecret; test: typeof testResponse; delivery: typeof deliverySchema; deliveryDetail: typeof deliveryDetail; recoveryStarted: typeof recoveryStarted }>;

/** `/api/v1/webhooks`: outgoing webhook subscriptions, their delivery log, test, redeliver and recover. */
export function webhookRoutes(webhooks: WebhooksOut): ApiRoute[] {
  const tag = 'webhooks';
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks',
      scope: 'webhooks:read',
      tag,
      summary: 'List webhook subscriptions (never their secrets)',
      response: z.object({ webhooks: z.array(webhookSchema) }),
      handler: async () => ({ status: 200, body: { webhooks: await webhooks.list() } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks',
      scope: 'webhooks:write',
      tag,
      summary: 'Subscribe a URL to topics ("conversation.*", "run.failed"); the whsec_ secret is in this response only',
      body: createWebhookBody,
      response: withSecret,
      successStatus: 201,
      handler: async ({ body }) => {
        const { subscription, secret } = await webhooks.create(body);
        return { status: 201, body: { ...subscription, secret } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id',
      scope: 'webhooks:read',
      tag,
      summary: 'One webhook subscription',
      response: webhookSchema,
      handler: async ({ params }) => ({ status: 200, body: await webhooks.get(params.id!) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/webhooks/:id',
      scope: 'webhooks:write',
      tag,
      summary: 'Change the URL (SSRF-checked again), topics or description',
      body: updateWebhookBody,
      response: webhookSchema,
      handler: async ({ params, body }) => ({ status: 200, body: await webhooks.update(params.id!, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/webhooks/:id',
      scope: 'webhooks:write',
      tag,
      summary: 'Delete a subscription and its delivery log; pending deliveries stop at their next attempt',
      successStatus: 204,
      handler: async ({ params }) => {
        await webhooks.delete(params.id!);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/enable',
      scope: 'webhooks:write',
      tag,
      summary: 'Enable (also after an automatic disable); the 5-day failure clock restarts',
      response: webhookSchema,
      handler: async ({ params }) => ({ status: 200, body: await webhooks.enable(params.id!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/disable',
      scope: 'webhooks:write',
      tag,
      summary: 'Disable: nothing is sent until it is enabled; pending messages fail and can be recovered',
      response: webhookSchema,
      handler: async ({ params }) => ({ status: 200, body: await webhooks.disable(params.id!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/rotate-secret',
      scope: 'webhooks:write',
      tag,
      summary: 'New secret (shown once); during the window deliveries carry a webhook-signature for both secrets',
      body: rotateBody,
      response: withSecret,
      handler: async ({ params, body }) => {
        const { subscription, secret } = await webhooks.rotateSecret(params.id!, body.window);
        return { status: 200, body: { ...subscription, secret } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/test',
      scope: 'webhooks:write',
      tag,
      summary: 'Save and test: send a signed ping now; answers the receiver’s status, latency and ≤ 1 KB of its body',
      response: testResponse,
      handler: async ({ params }) => ({ status: 200, body: await webhooks.test(params.id!) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id/deliveries',
      scope: 'webhooks:read',
      tag,
      summary: 'Delivery log, newest first',
      query: deliveriesQuery,
      response: z.object({ deliveries: z.array(deliverySchema) }),
      handler: async ({ params, query }) => ({ status: 200, body: { deliveries: await webhooks.deliveries(params.id!, query) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id/deliveries/:messageId',
      scope: 'webhooks:read',
      tag,
      summary: 'One message’s delivery with every attempt (status, latency, response snippet, next attempt)',
      response: deliveryDetail,
      handler: async ({ params }) => ({ status: 200, body: await webhooks.delivery(params.id!, params.messageId!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/deliveries/:messageId/redeliver',
      scope: 'webhooks:write',
      tag,
      summary: 'Send one message again (same webhook-id) with a fresh retry schedule',
      response: deliverySchema,
      successStatus: 202,
      handler: async ({ params }) => ({ status: 202, body: await webhooks.redeliver(params.id!, params.messageId!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/recover',
      scope: 'webhooks:write',
      tag,
      summary: 'Re-send every failed message created since a time, oldest first, each once, with its original webhook-id',
      body: recoverBody,
      response: recoveryStarted,
      successStatus: 202,
      handler: async ({ params, body }) => ({ status: 202, body: await webhooks.recover(params.id!, new Date(body.since), body.until ? new Date(body.until) : undefined) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id/recoveries/:recoveryId',
      scope: 'webhooks:read',
      tag,
      summary: 'Progress of a recovery',
      response: z.object({ recoveryId: z.string(), status: z.string(), result: z.object({ resent: z.number(), stoppedBecause: z.string().optional() }).nullable() }),
      handler: async ({ params }) => ({ status: 200, body: await webhooks.recovery(params.id!, params.recoveryId!) }),
    }),
  ];
}
