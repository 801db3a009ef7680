import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { fileContentSchema, loadFileContent } from '../sdk/file-content';
import { defineAction } from './auth';
import { multipartRelated } from './multipart';
import { driveFileOutput, driveFileSchema, driveId, fileFields, type DriveFile } from './vendor';

/** Drive's limit for `uploadType=multipart`; larger files need a resumable upload. */
const multipartLimitBytes = 5 * 1024 * 1024;

/** files.create with `uploadType=multipart` (metadata + bytes in one request, ≤ 5 MB). */
export const uploadFile = defineAction({
  description: 'Creates a file in Google Drive from text, base64 or a URL (fetched through the guarded client); returns its id and link.',
  input: z.object({
    name: z.string().min(1).max(255),
    content: fileContentSchema,
    /** The folder to put it in; the user's My Drive root when omitted. */
    folderId: driveId.optional(),
    /** Media type of the content; default: the fetched URL's type, else text/plain for text, application/octet-stream for base64. */
    mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type such as text/csv').optional(),
    description: z.string().max(4000).optional(),
  }),
  output: driveFileSchema,
  // Drive has no idempotency key: a retry after a lost response creates a second file.
  effect: { kind: 'atLeastOnce', why: 'Drive creates a new file on every upload' },
  timeout: '2m',
  sample: { id: '1Z8vQmFq3XrT6nWkT0yDg2pLs9eHc4aBb', name: 'conversations-2026-W48.csv', mimeType: 'text/csv', webViewLink: 'https://drive.google.com/file/d/1Z8vQmFq3XrT6nWkT0yDg2pLs9eHc4aBb/view', parents: ['0AFolderReports'] },
  async run(ctx, i) {
    const loaded = await loadFileContent(ctx.http, i.content);
    if (loaded.bytes.length > multipartLimitBytes) {
      throw new ConnectorError('invalid_input', `content is ${loaded.bytes.length} bytes; a multipart upload takes at most ${multipartLimitBytes}`, { field: 'content', code: 'too_large' });
    }
    const mimeType = i.mimeType ?? loaded.mimeType ?? ('text' in i.content ? 'text/plain' : 'application/octet-stream');
    const metadata = { name: i.name, mimeType, parents: i.folderId ? [i.folderId] : undefined, description: i.description };
    const { body, contentType } = multipartRelated(metadata, loaded.bytes, mimeType);
    const res = await ctx.http.request<DriveFile>({
      method: 'POST',
      path: '/upload/drive/v3/files',
      query: { uploadType: 'multipart', fields: fileFields, supportsAllDrives: true },
      headers: { 'content-type': contentType },
      body,
    });
    return driveFileOutput(res.body);
  },
});
