import { z } from 'zod';
import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** Data residency → ingestion host (HTTP V2 and Identify share it). */
export const amplitudeHosts = { us: 'https://api2.amplitude.com', eu: 'https://api.eu.amplitude.com' } as const;

/**
 * The project's API key. Amplitude takes it in the body (`api_key`), never in a header, so
 * `apply` adds nothing and each action puts it in its payload.
 */
export const amplitudeAuth = auth.custom({
  credentials: z.object({ apiKey: z.string().min(1), region: z.enum(['us', 'eu']).default('us') }).strict(),
  apply() {},
  accountLabel: (c) => `${c.region.toUpperCase()} project …${c.apiKey.slice(-4)}`,
});
export const defineAction = actionFor(amplitudeAuth);
