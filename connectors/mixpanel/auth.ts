import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** Data residency → ingestion host. */
export const mixpanelHosts = { us: 'https://api.mixpanel.com', eu: 'https://api-eu.mixpanel.com', in: 'https://api-in.mixpanel.com' } as const;

/**
 * A service account (`username` + `password` = its secret) as HTTP Basic with the project id for
 * `/import`; the project token for `/engage`, which authenticates by the token in the body.
 */
export const mixpanelAuth = auth.basic({
  extra: {
    projectId: z.string().regex(/^\d+$/, 'expected the numeric project id from Project Settings'),
    projectToken: z.string().min(1),
    region: z.enum(['us', 'eu', 'in']).default('us'),
  },
  accountLabel: (c) => `${c.username} @ project ${c.projectId}`,
});
export const defineAction = actionFor(mixpanelAuth);
