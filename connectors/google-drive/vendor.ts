import { z } from 'zod';
import { googleVendor } from '../sdk/google';

/**
 * Drive v3 errors use Google's legacy shape (`error.errors[].reason`): 403 `userRateLimitExceeded` /
 * `rateLimitExceeded` are quota (rate_limited, shared rule), a 404 `notFound` names a parent folder
 * that is not there (the step's input); other 403s (`storageQuotaExceeded`, `insufficientFilePermissions`) are fatal.
 */
export const googleDriveVendor = googleVendor('Google Drive', [{ status: 404, kind: 'invalid_input' }]);

/** The fields every call asks for, so the output can carry the browser link. */
export const fileFields = 'id,name,mimeType,webViewLink,parents';

export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  webViewLink?: string;
  parents?: string[];
}

export const driveFileOutput = (f: DriveFile) => ({ id: f.id, name: f.name, mimeType: f.mimeType, webViewLink: f.webViewLink, parents: f.parents ?? [] });

/** A file or folder id as it appears in Drive URLs. */
export const driveId = z.string().regex(/^[A-Za-z0-9_-]+$/, 'a Drive folder id (from the folder URL)');

export const driveFileSchema = z.object({ id: z.string(), name: z.string(), mimeType: z.string(), webViewLink: z.string().optional(), parents: z.array(z.string()) });
