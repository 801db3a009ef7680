import { z } from 'zod';
import { fileContentSchema, loadFileContent } from '../sdk/file-content';
import { defineAction } from './auth';
import { dropboxApiArg } from './vendor';

interface FileMetadata {
  id: string;
  name: string;
  path_display: string;
  rev: string;
  size: number;
}

/** POST content.dropboxapi.com/2/files/upload, the arguments as JSON in `Dropbox-API-Arg`, the bytes as the body (≤150 MB). */
export const uploadFile = defineAction({
  description: 'Writes a file (text, base64 or fetched from a URL) to a Dropbox path; add or overwrite, optionally autorenaming.',
  input: z.object({
    /** Where to write, e.g. `/Support/weekly-report.csv` (or `id:…/name`). */
    path: z.string().regex(/^(\/|id:|ns:)/, 'a Dropbox path starts with "/" (or id:/ns:)').max(4096),
    content: fileContentSchema,
    /** `add` keeps an existing file (a clash is an error unless `autorename`); `overwrite` replaces it. */
    mode: z.enum(['add', 'overwrite']).default('add'),
    /** On a name clash in `add` mode, Dropbox writes `name (1).ext` instead of failing. */
    autorename: z.boolean().default(false),
    /** Don't notify the user's desktop clients. */
    mute: z.boolean().default(false),
  }),
  output: z.object({ id: z.string(), name: z.string(), pathDisplay: z.string(), rev: z.string(), size: z.number().int() }),
  // `add` with `autorename` creates another copy on a retry; only `overwrite` is idempotent by path.
  effect: { kind: 'atLeastOnce', why: 'uploads in add mode keep both copies under renamed paths' },
  timeout: '2m',
  sample: { id: 'id:a4ayc_80_OEAAAAAAAAAXw', name: 'weekly-report.csv', pathDisplay: '/Support/weekly-report.csv', rev: '0161f3b1e2d8c5b00000001', size: 1024 },
  async run(ctx, i) {
    const { bytes } = await loadFileContent(ctx.http, i.content);
    const res = await ctx.http.request<FileMetadata>({
      method: 'POST',
      host: 'content',
      path: '/files/upload',
      headers: { 'content-type': 'application/octet-stream', 'dropbox-api-arg': dropboxApiArg({ path: i.path, mode: i.mode, autorename: i.autorename, mute: i.mute, strict_conflict: false }) },
      body: bytes,
    });
    const m = res.body;
    return { id: m.id, name: m.name, pathDisplay: m.path_display, rev: m.rev, size: m.size };
  },
});
