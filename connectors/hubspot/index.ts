import { connector } from '../sdk/connector';
import { associate } from './associate';
import { hubspotAuth } from './auth';
import { batchUpsert } from './batch-upsert';
import { changedRecords } from './changed-records';
import { createNote } from './create-note';
import { createRecord } from './create-record';
import { findNotes } from './find-notes';
import { listProperties } from './list-properties';
import { search } from './search';
import { updateRecord } from './update-record';
import { hubspotVendor } from './vendor';
import { hubspotWebhookSource } from './webhook-source';

export const hubspot = connector({
  id: 'hubspot',
  name: 'HubSpot',
  category: 'CRM',
  description: 'Create, update, upsert and search HubSpot contacts, companies and deals; associate them, log and find notes; poll changes and receive CRM webhooks.',
  auth: hubspotAuth,
  baseUrl: 'https://api.hubapi.com',
  vendor: hubspotVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/crm/v3/properties/contacts/email' });
  },
})
  .actions({ createRecord, updateRecord, batchUpsert, search, associate, createNote, findNotes, listProperties })
  .pollingTrigger(changedRecords)
  .webhookSource(hubspotWebhookSource);
