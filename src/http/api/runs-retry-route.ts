import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { retryRun, RetryRunError } from '../../engine/retry-run';
import type { RecipeStore } from '../../store/recipes';
import { HttpError } from '../errors';
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

/** `POST /api/v1/runs/:id/retry` (the run id URL-encoded: `run%2F<recipe>%2F<hash>`). */
export function runsRetryRoutes(deps: RunsRetryRouteDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/runs/:id/retry',
      scope: 'runs:write',
      summary: "Retry a failed run with the recipe's current version, from the failed step or from the start",
      tag: 'runs',
      body: retryBody,
      response: retryResponse,
      successStatus: 202,
      async handler({ params, body }) {
        const options = { runId: params.id!, from: body.from, taskQueue: deps.taskQueue, recipes: deps.recipes, connectionWaitMs: deps.connectionWaitMs };
        try {
          const started = await deps.client.withDeadline(Date.now() + 10_000, () => retryRun(deps.client, options));
          return { status: 202, body: started };
        } catch (err) {
          if (err instanceof RetryRunError) throw new HttpError(err.status, err.code, err.message, { runId: params.id, ...err.details });
          if (err instanceof ServiceError || isGrpcServiceError(err)) {
            throw new HttpError(503, 'temporal_unavailable', 'Temporal did not answer in time; the retry may or may not have started — check the recipe\'s runs before retrying again', undefined, { 'Retry-After': '5' });
          }
          throw err;
        }
      },
    }),
  ];
}
