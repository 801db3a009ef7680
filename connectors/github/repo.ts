import { z } from 'zod';

/** Owner and repository names as GitHub allows them; the path is built from them, so nothing else gets in. */
export const repoRef = {
  owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub user or organisation name'),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a repository name').refine((r) => r !== '.' && r !== '..', 'a repository name'),
};

export const issueNumber = z.number().int().positive();

export function repoPath(i: { owner: string; repo: string }, rest = ''): string {
  return `/repos/${encodeURIComponent(i.owner)}/${encodeURIComponent(i.repo)}${rest}`;
}
