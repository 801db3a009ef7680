import { connector } from '../sdk/connector';
import { addMeetingRegistrant } from './add-meeting-registrant';
import { zoomAuth } from './auth';
import { createMeeting } from './create-meeting';
import { zoomVendor } from './vendor';
import { zoomWebhookSource } from './webhook-source';

export const zoom = connector({
  id: 'zoom',
  name: 'Zoom',
  category: 'Communication',
  description: 'Create Zoom meetings and registrants (Server-to-Server OAuth); receive meeting and recording events.',
  auth: zoomAuth,
  baseUrl: 'https://api.zoom.us/v2',
  vendor: zoomVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/users/me' });
  },
})
  .actions({ createMeeting, addMeetingRegistrant })
  .webhookSource(zoomWebhookSource);
