import { z } from 'zod';
import { defineAction } from './auth';
import { issueNumber, repoPath, repoRef } from './repo';
import type { HttpResponse } from '../sdk/http-types';

/** POST /repos/{owner}/{repo}/issues/{number}/labels → 200 with all the issue's labels. Adding is a set union: idempotent. */
export const addLabels = defineAction({
  description: 'Adds labels to an issue or pull request (labels that do not exist yet are created); returns all its labels.',
  input: z.object({ ...repoRef, issueNumber, labels: z.array(z.string().min(1).max(50)).min(1).max(100) }),
  output: z.object({ labels: z.array(z.string()) }),
  effect: { kind: 'idempotencyKey', key: 'the label names (adding twice is adding once)' },
  sample: { labels: ['bug', 'from-intercom'] },
  request: (i) => ({ method: 'POST', path: repoPath(i, `/issues/${i.issueNumber}/labels`), json: { labels: i.labels } }),
  respond: (res: HttpResponse<{ name: string }[]>) => ({ labels: res.body.map((l) => l.name) }),
});
