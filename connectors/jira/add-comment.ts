import { z } from 'zod';
import { textToAdf } from './adf';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/** POST /rest/api/3/issue/{issueIdOrKey}/comment with an ADF body. */
export const addComment = defineAction({
  description: 'Adds a plain-text comment (converted to ADF) to an issue.',
  input: z.object({ issue: z.string().min(1), body: z.string().min(1) }),
  output: z.object({ id: z.string(), created: z.string().optional() }),
  effect: { kind: 'atLeastOnce', why: 'Jira comments take no idempotency key' },
  sample: { id: '20001', created: '2026-11-27T12:00:00.000+0000' },
  request: (i) => ({
    method: 'POST',
    path: `/rest/api/3/issue/${encodeURIComponent(i.issue)}/comment`,
    json: { body: textToAdf(i.body) },
  }),
  respond: (res: HttpResponse<{ id: string; created?: string }>) => ({ id: res.body.id, created: res.body.created }),
});
