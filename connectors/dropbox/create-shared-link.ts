import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';

interface SharedLinkMetadata {
  url: string;
  name: string;
  path_lower?: string;
}

/**
 * POST /2/sharing/create_shared_link_with_settings. A path that already has a link answers 409
 * `shared_link_already_exists`; the existing link is then looked up, so a retry returns the same link.
 */
export const createSharedLink = defineAction({
  description: 'Returns a shared link for a file or folder, creating it when there is none yet.',
  input: z.object({
    path: z.string().regex(/^(\/|id:|ns:)/, 'a Dropbox path starts with "/" (or id:/ns:)'),
    /** Who may open the link (`team_only` needs a Dropbox team). */
    audience: z.enum(['public', 'team', 'no_one']).optional(),
    /** ISO 8601; after this the link stops working (paid plans). */
    expires: z.iso.datetime({ offset: true }).optional(),
  }),
  output: z.object({ url: z.string(), name: z.string(), pathLower: z.string().optional(), existing: z.boolean() }),
  effect: { kind: 'idempotencyKey', key: 'the path (an existing link is returned)' },
  sample: { url: 'https://www.dropbox.com/scl/fi/abc123/weekly-report.csv?rlkey=x&dl=0', name: 'weekly-report.csv', pathLower: '/support/weekly-report.csv', existing: false },
  async run(ctx, i) {
    const settings = i.audience || i.expires ? { audience: i.audience, expires: i.expires && new Date(i.expires).toISOString().replace(/\.\d+Z$/, 'Z') } : undefined;
    try {
      const res = await ctx.http.request<SharedLinkMetadata>({ method: 'POST', path: '/sharing/create_shared_link_with_settings', json: { path: i.path, settings } });
      return { url: res.body.url, name: res.body.name, pathLower: res.body.path_lower, existing: false };
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.code !== 'shared_link_already_exists') throw err;
    }
    const list = await ctx.http.request<{ links: SharedLinkMetadata[] }>({ method: 'POST', path: '/sharing/list_shared_links', json: { path: i.path, direct_only: true } });
    const link = list.body.links[0];
    if (!link) throw new ConnectorError('retryable', `Dropbox reported a shared link for ${i.path} but listed none`, { code: 'shared_link_not_listed' });
    return { url: link.url, name: link.name, pathLower: link.path_lower, existing: true };
  },
});
