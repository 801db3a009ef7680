import { z } from 'zod';
import { defineAction } from './auth';
import { repoPath, repoRef } from './repo';
import type { HttpResponse } from '../sdk/http-types';

/**
 * POST /repos/{owner}/{repo}/issues → 201. GitHub has no idempotency key, so a retry after a lost
 * answer can open a second issue: the action is at-least-once (not idempotent, fewer retries).
 */
export const createIssue = defineAction({
  description: 'Opens an issue in a repository (markdown body, labels, assignees, milestone).',
  input: z.object({
    ...repoRef,
    title: z.string().min(1).max(256),
    /** Markdown. */
    body: z.string().max(65536).optional(),
    labels: z.array(z.string().min(1)).optional(),
    assignees: z.array(z.string().min(1)).max(10).optional(),
    milestone: z.number().int().positive().optional(),
  }),
  output: z.object({ id: z.number(), number: z.number(), url: z.string(), state: z.string(), title: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'GitHub issues take no idempotency key' },
  sample: { id: 1296269, number: 1347, url: 'https://github.com/acme/app/issues/1347', state: 'open', title: 'Checkout fails' },
  request: ({ owner, repo, ...fields }) => ({ method: 'POST', path: repoPath({ owner, repo }, '/issues'), json: fields }),
  respond(res: HttpResponse<{ id: number; number: number; html_url: string; state: string; title: string }>) {
    const b = res.body;
    return { id: b.id, number: b.number, url: b.html_url, state: b.state, title: b.title };
  },
});
