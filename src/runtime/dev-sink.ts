import express, { Router } from 'express';

export interface SinkRecord {
  at: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** `switchyard dev` only: a local endpoint the demo recipe posts to, so a first run needs no vendor account. */
export function devSinkRoutes(records: SinkRecord[] = [], keep = 100): Router {
  const router = Router();
  router.post('/dev/sink', express.json({ limit: '1mb' }), (req, res) => {
    records.push({ at: new Date().toISOString(), headers: req.headers, body: req.body });
    if (records.length > keep) records.shift();
    res.status(200).json({ received: true, count: records.length });
  });
  router.get('/dev/sink', (_req, res) => {
    res.json({ records });
  });
  return router;
}
