import { connector } from '../sdk/connector';
import { teamsAuth } from './auth';
import { postMessage } from './post-message';
import { teamsVendor } from './vendor';

export const teams = connector({
  id: 'teams',
  name: 'Microsoft Teams',
  category: 'Communication',
  description: 'Post cards to Teams channels through incoming webhooks (legacy connectors and Workflows).',
  auth: teamsAuth,
  baseUrl: null,
  vendor: teamsVendor,
}).actions({ postMessage });
