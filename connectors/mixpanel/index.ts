import { connector } from '../sdk/connector';
import { mixpanelAuth, mixpanelHosts } from './auth';
import { setUserProfile } from './set-user-profile';
import { trackEvent } from './track-event';
import { mixpanelVendor } from './vendor';

export const mixpanel = connector({
  id: 'mixpanel',
  name: 'Mixpanel',
  category: 'Analytics',
  description: 'Track events (deduplicated with $insert_id) and set user profile properties in a Mixpanel project.',
  auth: mixpanelAuth,
  baseUrl: (c) => mixpanelHosts[c.region],
  vendor: mixpanelVendor,
  // An empty strict import checks the service account and project id without recording anything.
  async validate(ctx) {
    await ctx.http.request({ method: 'POST', path: '/import', query: { strict: 1, project_id: ctx.credentials.projectId }, json: [] });
  },
})
  .actions({ trackEvent, setUserProfile });
