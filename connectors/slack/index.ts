import { connector } from '../sdk/connector';
import { slackAuth } from './auth';
import { postMessage } from './post-message';
import { slackVendor } from './vendor';

export const slack = connector({
  id: 'slack',
  name: 'Slack',
  category: 'Communication',
  description: 'Post messages to Slack channels and threads.',
  auth: slackAuth,
  baseUrl: 'https://slack.com/api',
  vendor: slackVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'POST', path: '/auth.test' });
  },
}).actions({ postMessage });
