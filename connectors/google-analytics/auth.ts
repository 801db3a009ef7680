import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/**
 * GA4 Measurement Protocol: the web stream's measurement id and a Measurement Protocol API
 * secret (Admin → Data streams → Measurement Protocol API secrets), both as query parameters.
 * Google never rejects a wrong secret: it drops the hits silently.
 */
export const googleAnalyticsAuth = auth.custom({
  credentials: z
    .object({
      measurementId: z.string().regex(/^G-[A-Z0-9]{4,}$/, 'expected a web stream measurement id like "G-ABC123DEF4"'),
      apiSecret: z.string().min(1),
    })
    .strict(),
  apply(c, req) {
    req.url.searchParams.set('measurement_id', c.measurementId);
    req.url.searchParams.set('api_secret', c.apiSecret);
  },
  accountLabel: (c) => c.measurementId,
});
export const defineAction = actionFor(googleAnalyticsAuth);
