import { Router } from 'express';

export type ReadinessCheck = () => Promise<void>;

/**
 * `/healthz`: the process is up. `/readyz`: every dependency answers; the body names what does not.
 * A failing check named in `deferred` (Temporal, its workers) does not stop the process accepting
 * (the inbox holds what it accepts): 200 with status `accepting_dispatch_delayed`, not 503.
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>, deferred: readonly string[] = [], timeoutMs = 2_000): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, { ready: true }] as const;
        } catch (err) {
          return [name, { ready: false, error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const failing = results.filter(([, r]) => !r.ready).map(([name]) => name);
    const accepting = failing.every((name) => deferred.includes(name));
    const status = failing.length === 0 ? 'ready' : accepting ? 'accepting_dispatch_delayed' : 'not_ready';
    res.status(accepting ? 200 : 503).json({ status, checks: Object.fromEntries<{ ready: boolean; error?: string }>(results) });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
