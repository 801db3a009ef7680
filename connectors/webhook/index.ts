import { connector } from '../sdk/connector';
import { webhookAuth } from './auth';
import { post } from './post';
import { webhookVendor } from './vendor';
import { inboundWebhookSource } from './webhook-source';

export const webhook = connector({
  id: 'webhook',
  name: 'Webhooks',
  category: 'Automation',
  description: 'Receive events from any sender (token URL) and POST JSON to Zapier, Make, n8n catch hooks or any URL.',
  auth: webhookAuth,
  baseUrl: null,
  vendor: webhookVendor,
})
  .webhookSource(inboundWebhookSource)
  .actions({ post });
