import { connector } from '../sdk/connector';
import { googleAnalyticsAuth } from './auth';
import { sendEvent } from './send-event';
import { googleAnalyticsVendor } from './vendor';

export const googleAnalytics = connector({
  id: 'google-analytics',
  name: 'Google Analytics',
  category: 'Analytics',
  description: 'Send events and user properties to a GA4 web stream with the Measurement Protocol.',
  auth: googleAnalyticsAuth,
  baseUrl: 'https://www.google-analytics.com',
  vendor: googleAnalyticsVendor,
  // GA4 validates the payload, never the secret: the test proves the stream id is well formed and
  // the endpoint reachable, not that the secret is right (a wrong one drops hits silently).
  async validate(ctx) {
    await ctx.http.request({ method: 'POST', path: '/debug/mp/collect', json: { client_id: 'switchyard.connection-test', events: [{ name: 'switchyard_connection_test' }] } });
  },
}).actions({ sendEvent });
