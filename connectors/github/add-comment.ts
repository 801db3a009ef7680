import { z } from 'zod';
import { defineAction } from './auth';
import { issueNumber, repoPath, repoRef } from './repo';
import type { HttpResponse } from '../sdk/http-types';

/** POST /repos/{owner}/{repo}/issues/{number}/comments → 201 (issues and pull requests alike). No idempotency key: at-least-once. */
export const addComment = defineAction({
  description: 'Comments on an issue or pull request.',
  input: z.object({ ...repoRef, issueNumber, body: z.string().min(1).max(65536) }),
  output: z.object({ id: z.number(), url: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'GitHub comments take no idempotency key' },
  sample: { id: 1146825, url: 'https://github.com/acme/app/issues/1347#issuecomment-1146825' },
  request: (i) => ({ method: 'POST', path: repoPath(i, `/issues/${i.issueNumber}/comments`), json: { body: i.body } }),
  respond: (res: HttpResponse<{ id: number; html_url: string }>) => ({ id: res.body.id, url: res.body.html_url }),
});
