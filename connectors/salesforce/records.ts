import { z } from 'zod';
import type { ActionContext } from '../sdk/types';

/** An sObject API name (`Contact`, `Invoice__c`): also checked because it is put into URLs and SOQL. */
export const sobjectType = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'an sObject API name such as Contact or Invoice__c');

/** A field API name, or a relationship path (`Account.Name`) where SOQL allows one. */
export const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}(\.[A-Za-z][A-Za-z0-9_]{0,79})*$/, 'a field API name such as LastName or Intercom_Id__c');

/** A 15- or 18-character record id. */
export const recordId = z.string().regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/, 'a 15- or 18-character Salesforce record id');

/** Field values of one record, by API name. */
export const fieldValues = z.record(fieldName, z.unknown());

/** A record as the API returns it: its fields plus `attributes` ({type, url}). */
export const sobjectRecord = z.looseObject({ attributes: z.object({ type: z.string(), url: z.string().optional() }).optional(), Id: z.string().optional() });

const createdRecord = z.object({ id: z.string(), success: z.boolean(), errors: z.array(z.unknown()) });

/** `/sobjects/<type>[/<segment>…]`, each segment URL-encoded. */
export const sobjectPath = (type: string, ...segments: string[]) => ['/sobjects', type, ...segments.map(encodeURIComponent)].join('/');

/** POST /sobjects/<type>/ → 201 `{id, success, errors}`: the new record's id. */
export async function insertRecord(ctx: ActionContext<unknown>, type: string, fields: Record<string, unknown>): Promise<string> {
  const res = await ctx.http.request({ method: 'POST', path: sobjectPath(type), json: fields });
  return createdRecord.parse(res.body).id;
}
