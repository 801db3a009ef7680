import { connector } from '../sdk/connector';
import { salesforceAuth } from './auth';
import { changedRecords } from './changed-records';
import { compositeUpsert } from './composite-upsert';
import { createCase } from './create-case';
import { createRecord } from './create-record';
import { createTask } from './create-task';
import { describeObject } from './describe-object';
import { getRecord } from './get-record';
import { query } from './query';
import { updateRecord } from './update-record';
import { upsertByExternalId } from './upsert-by-external-id';
import { apiVersion, salesforceVendor } from './vendor';

export const salesforce = connector({
  id: 'salesforce',
  name: 'Salesforce',
  category: 'CRM',
  description: 'Salesforce records over the REST API (OAuth2, on the org’s instance URL): create, update, upsert by external id (one or 200 at a time), SOQL queries, describe, conversations as Tasks, Cases; changed records polled by SystemModstamp.',
  auth: salesforceAuth,
  baseUrl: (c) => `${c.instanceUrl.replace(/\/+$/, '')}/services/data/${apiVersion}`,
  vendor: salesforceVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/limits' });
  },
})
  .actions({ createRecord, updateRecord, upsertByExternalId, getRecord, query, compositeUpsert, createTask, createCase, describeObject })
  .pollingTrigger(changedRecords);
