import { Router } from 'express';
import { counter, metricsRegistry } from '../metrics/registry';

export const inboundDeliveries = counter('switchyard_inbound_deliveries_total', 'Inbound webhook deliveries by outcome (accepted, duplicate, unmatched, rejected, unavailable)', ['outcome']);

export function metricsRoutes(): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  });
  return router;
}
