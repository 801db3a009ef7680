import { connector } from '../sdk/connector';
import { attachContactToCompany } from './attach-contact-to-company';
import { intercomAuth } from './auth';
import { createOrUpdateCompany } from './create-or-update-company';
import { createOrUpdateContact } from './create-or-update-contact';
import { exportConversations } from './export-conversations';
import { findCompany } from './find-company';
import { getConversationTranscript } from './get-conversation-transcript';
import { listCompanies } from './list-companies';
import { listDataAttributes } from './list-data-attributes';
import { replyToConversation } from './reply-to-conversation';
import { searchContacts } from './search-contacts';
import { searchConversations } from './search-conversations';
import { sendMessage } from './send-message';
import { tag } from './tag';
import { updateCompany } from './update-company';
import { updateContact } from './update-contact';
import { updatedContacts } from './updated-contacts';
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
  .actions({
    createOrUpdateContact, sendMessage, searchConversations, tag, createOrUpdateCompany, attachContactToCompany, exportConversations,
    replyToConversation, getConversationTranscript, searchContacts, updateContact, findCompany, updateCompany, listCompanies, listDataAttributes,
  })
  .pollingTrigger(updatedConversations)
  .pollingTrigger(updatedContacts);
