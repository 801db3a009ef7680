import { Router } from 'express';
import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/registry';

export const inboundDeliveries = new Counter({
  name: 'switchyard_inbound_deliveries_total',
  help: 'Inbound webhook deliveries by outcome (accepted, duplicate, unmatched, rejected, unavailable)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const runsStarted = new Counter({
  name: 'switchyard_runs_started_total',
  help: 'Recipe runs accepted by Temporal, by trigger type',
  labelNames: ['trigger'] as const,
  registers: [metricsRegistry],
});

export function metricsRoutes(): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });
  return router;
}
