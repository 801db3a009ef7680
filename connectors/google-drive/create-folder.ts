import { z } from 'zod';
import { defineAction } from './auth';
import { driveFileOutput, driveFileSchema, driveId, fileFields, type DriveFile } from './vendor';
import type { HttpResponse } from '../sdk/http-types';

/** files.create with the folder media type (metadata only, no upload). */
export const createFolder = defineAction({
  description: 'Creates a folder in Google Drive; returns its id and link.',
  input: z.object({
    name: z.string().min(1).max(255),
    /** The parent folder; the user's My Drive root when omitted. */
    parentId: driveId.optional(),
  }),
  output: driveFileSchema,
  // Drive allows several folders with one name: a retry after a lost response creates a second one.
  effect: { kind: 'atLeastOnce', why: 'Drive creates a new folder on every call' },
  sample: { id: '0AFolderReports', name: 'Support reports', mimeType: 'application/vnd.google-apps.folder', webViewLink: 'https://drive.google.com/drive/folders/0AFolderReports', parents: ['root'] },
  request: (i) => ({
    method: 'POST',
    path: '/drive/v3/files',
    query: { fields: fileFields, supportsAllDrives: true },
    json: { name: i.name, mimeType: 'application/vnd.google-apps.folder', parents: i.parentId ? [i.parentId] : undefined },
  }),
  respond: (res: HttpResponse<DriveFile>) => driveFileOutput(res.body),
});
