import { connector } from '../sdk/connector';
import { webhookAuth } from './auth';
import { inboundWebhookSource } from './inbound-source';
import { post } from './post';

export const webhook = connector({
  id: 'webhook',
  name: 'Webhooks',
  category: 'Automation',
  description: 'Receive events from any sender (token URL) and POST JSON to Zapier, Make, n8n catch hooks or any URL.',
  auth: webhookAuth,
  baseUrl: null,
  vendor: { vendor: 'the webhook receiver' },
})
  .webhookSource(inboundWebhookSource)
  .action(post);
