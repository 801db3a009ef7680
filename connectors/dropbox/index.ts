import { connector } from '../sdk/connector';
import { dropboxAuth } from './auth';
import { createSharedLink } from './create-shared-link';
import { uploadFile } from './upload-file';
import { dropboxVendor } from './vendor';
import { dropboxWebhookSource } from './webhook-source';

export const dropbox = connector({
  id: 'dropbox',
  name: 'Dropbox',
  category: 'Productivity',
  description: 'Upload files to Dropbox and share them (OAuth2, refreshed automatically); receive file-change notifications.',
  auth: dropboxAuth,
  baseUrl: 'https://api.dropboxapi.com/2',
  // Uploads go to the content host; a connection's base URL override (a fake, a proxy) serves both.
  hosts: { content: 'https://content.dropboxapi.com/2' },
  vendor: dropboxVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'POST', path: '/users/get_current_account' });
  },
})
  .actions({ uploadFile, createSharedLink })
  .webhookSource(dropboxWebhookSource);
