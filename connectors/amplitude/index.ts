import { classifyResponse } from '../sdk/classify';
import { connector } from '../sdk/connector';
import { amplitudeAuth, amplitudeHosts } from './auth';
import { identifyUser } from './identify-user';
import { trackEvent } from './track-event';
import { amplitudeVendor, invalidApiKey } from './vendor';

export const amplitude = connector({
  id: 'amplitude',
  name: 'Amplitude',
  category: 'Analytics',
  description: 'Track events (deduplicated with insert_id) and identify users with their properties in an Amplitude project.',
  auth: amplitudeAuth,
  baseUrl: (c) => amplitudeHosts[c.region],
  vendor: amplitudeVendor,
  // An upload without events records nothing: Amplitude checks the key, then rejects the empty
  // list with a 400 of its own, which here means the key is good.
  async validate(ctx) {
    const res = await ctx.http.request({ method: 'POST', path: '/2/httpapi', json: { api_key: ctx.credentials.apiKey, events: [] }, allowErrorStatus: true });
    if (res.status >= 300 && !(res.status === 400 && !invalidApiKey(res.body))) throw classifyResponse(res, amplitudeVendor);
  },
})
  .actions({ trackEvent, identifyUser });
