import { z } from 'zod';
import { defineAction } from './auth';

/** The escape hatch: any HTTP request, through the same SSRF-guarded, classified client as every connector. */
export const request = defineAction({
  title: 'HTTP request',
  description: 'Sends an HTTP request (JSON or form body) to any public URL and returns status, headers and body.',
  input: z
    .object({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
      url: z.url({ protocol: /^https?$/ }),
      headers: z.record(z.string(), z.string()).optional(),
      query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      json: z.unknown().optional(),
      form: z.record(z.string(), z.string()).optional(),
      /** Return 4xx/5xx responses as output instead of failing the step. */
      acceptErrorStatus: z.boolean().default(false),
    })
    .refine((i) => i.json === undefined || i.form === undefined, { message: 'give json or form, not both', path: ['form'] }),
  output: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
  effect: { kind: 'atLeastOnce', why: 'an arbitrary HTTP request: the engine cannot know how the target dedupes' },
  sample: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } },
  request: (i) => ({
    method: i.method,
    url: i.url,
    headers: i.headers,
    query: i.query,
    json: i.json,
    form: i.form,
    allowErrorStatus: i.acceptErrorStatus,
  }),
  respond: (res) => ({ status: res.status, headers: res.headers, body: res.body }),
});
