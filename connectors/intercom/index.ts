import { connector } from '../sdk/connector';
import { attachContactToCompany } from './attach-contact-to-company';
import { intercomAuth } from './auth';
import { createOrUpdateCompany } from './create-or-update-company';
import { createOrUpdateContact } from './create-or-update-contact';
import { exportConversations } from './export-conversations';
import { replyToConversation } from './reply-to-conversation';
import { searchConversations } from './search-conversations';
import { sendMessage } from './send-message';
import { tag } from './tag';
import { updatedConversations } from './updated-conversations';
import { intercomVendor } from './vendor';
import { intercomWebhookSource } from './webhook-source';

export const intercom = connector({
  id: 'intercom',
  name: 'Intercom',
  category: 'Support',
  description: 'Customer messaging: signed webhooks for conversations, contacts, tickets; contacts, messages, tags.',
  auth: intercomAuth,
  baseUrl: 'https://api.intercom.io',
  vendor: intercomVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/me' });
  },
})
  .webhookSource(intercomWebhookSource)
  .action(createOrUpdateContact)
  .action(sendMessage)
  .action(searchConversations)
  .action(tag)
  .action(createOrUpdateCompany)
  .action(attachContactToCompany)
  .action(exportConversations)
  .action(replyToConversation)
  .pollingTrigger(updatedConversations);
