import { createHash } from 'node:crypto';
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { retryRun } from '../../engine/retry-run';
import type { RecipeStore } from '../../store/recipes';
import { HttpError, temporalHttpError } from '../errors';
import { classifyTemporalError } from '../../temporal/client-errors';
import { defineRoute, type ApiRoute } from './route';

export interface RunsRetryRouteDeps {
  client: Client;
  taskQueue: string;
  recipes: RecipeStore;
  /** SWITCHYARD_CONNECTION_WAIT_LIMIT in ms. */
  connectionWaitMs?: number;
}

const retryBody = z.strictObject({
  from: z
    .enum(['failed', 'start'])
    .default('failed')
    .describe('failed: start at the failed step, keeping the earlier steps\u2019 outputs (no second side effect); start: run every step again'),
});

const retryResponse = z.object({
  runId: z.string().describe('the new run'),
  retryOf: z.string(),
  from: z.enum(['failed', 'start']),
  fromStepId: z.string().describe('the step the new run starts at'),
});

/** What a retry answers, for clients (the CLI) that read it. */
export type RetryAnswer = z.output<typeof retryResponse>;

/** The Idempotency-Key header (Stripe's form), or undefined when absent; 400 naming the header when malformed. */
function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new HttpError(400, 'invalid_header', 'Idempotency-Key: expected 1–255 visible ASCII characters, e.g. a UUID', { header: 'Idempotency-Key' });
  }
  return value;
}

/** `POST /api/v1/runs/:id/retry` (the run id URL-encoded: `run%2F<recipe>%2F<hash>`). */
export function runsRetryRoutes(deps: RunsRetryRouteDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/runs/:id/retry',
      scope: 'runs:write',
      summary:
        "Retry a failed run with the recipe's current version, from the failed step or from the start. " +
        'Send an Idempotency-Key header (1–255 visible ASCII characters, scoped to the run) to make repeats safe: the same key and body answer ' +
        'with the retry the first request started (header Idempotent-Replayed: true) for at least 24 h — as long as Temporal retains that run — ' +
        'and never start a second one; the same key with a different body is a 422',
      tag: 'runs',
      body: retryBody,
      response: retryResponse,
      successStatus: 202,
      async handler({ req, res, params, body }) {
        const key = idempotencyKey(req.get('idempotency-key'));
        const idempotency = key === undefined ? undefined : { key, requestDigest: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
        const options = { runId: params.id!, from: body.from, taskQueue: deps.taskQueue, recipes: deps.recipes, connectionWaitMs: deps.connectionWaitMs, idempotency };
        try {
          const { replayed, ...started } = await deps.client.withDeadline(Date.now() + 10_000, () => retryRun(deps.client, options));
          if (replayed) res.setHeader('Idempotent-Replayed', 'true');
          return { status: 202, body: started };
        } catch (err) {
          const problem = classifyTemporalError(err, 'retry a run') ?? (err instanceof ServiceError || isGrpcServiceError(err) ? { kind: 'unavailable' as const, message: '' } : undefined);
          if (problem) {
            const advice = key === undefined ? "check the recipe's runs before retrying again, or send an Idempotency-Key" : 'repeat the request with the same Idempotency-Key';
            throw temporalHttpError(problem, `Temporal did not answer in time; the retry may or may not have started — ${advice}`);
          }
          throw err;
        }
      },
    }),
  ];
}
