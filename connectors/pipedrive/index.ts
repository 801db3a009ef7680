import { connector } from '../sdk/connector';
import { addNote, listNotes } from './add-note';
import { pipedriveAuth, pipedriveBaseUrl } from './auth';
import { changedRecords } from './changed-records';
import { dealActions } from './deal';
import { getRecord } from './get-record';
import { listFields } from './list-fields';
import { organizationActions } from './organization';
import { personActions } from './person';
import { searchPersons } from './search-persons';
import { pipedriveVendor } from './vendor';
import { pipedriveWebhookSource } from './webhook-source';

export const pipedrive = connector({
  id: 'pipedrive',
  name: 'Pipedrive',
  category: 'CRM',
  description: 'Persons, organizations, deals and notes; changed-since polling on v2 cursors; webhooks v2 with HTTP Basic credentials.',
  auth: pipedriveAuth,
  baseUrl: pipedriveBaseUrl,
  vendor: pipedriveVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/api/v1/users/me' });
  },
})
  .webhookSource(pipedriveWebhookSource)
  .actions({ ...personActions, ...organizationActions, ...dealActions, getRecord, searchPersons, addNote, listNotes, listFields })
  .pollingTrigger(changedRecords);
