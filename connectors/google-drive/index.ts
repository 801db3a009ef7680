import { connector } from '../sdk/connector';
import { googleDriveAuth } from './auth';
import { createFolder } from './create-folder';
import { uploadFile } from './upload-file';
import { googleDriveVendor } from './vendor';

export const googleDrive = connector({
  id: 'google-drive',
  name: 'Google Drive',
  category: 'Productivity',
  description: 'Upload files and create folders in Google Drive (OAuth2, refreshed automatically).',
  auth: googleDriveAuth,
  baseUrl: 'https://www.googleapis.com',
  vendor: googleDriveVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/drive/v3/about', query: { fields: 'user' } });
  },
})
  .actions({ uploadFile, createFolder });
