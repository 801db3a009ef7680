import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

const end = z.object({ objectType: z.enum(['contacts', 'companies', 'deals']), id: z.string().min(1) });
/** The pairs HubSpot has a default (unlabelled) association type for, as this connector offers them. */
const pairs = new Set(['contacts/companies', 'companies/contacts', 'deals/contacts', 'contacts/deals', 'deals/companies', 'companies/deals']);

/** PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{id}: the default association type; linking twice is a no-op. */
export const associate = defineAction({
  title: 'Associate records',
  description: 'Links two HubSpot records with their default association (contact↔company, deal↔contact, deal↔company).',
  input: z.object({ from: end, to: end }).refine((a) => pairs.has(`${a.from.objectType}/${a.to.objectType}`), {
    message: 'HubSpot associates contacts with companies and deals, and deals with companies',
    path: ['to', 'objectType'],
  }),
  output: z.object({ associationTypeIds: z.array(z.number().int()) }),
  effect: { kind: 'idempotencyKey', key: 'the record pair (associating twice is associating once)' },
  sample: { associationTypeIds: [1] },
  request: (i) => ({
    method: 'PUT',
    path: `/crm/v4/objects/${i.from.objectType}/${encodeURIComponent(i.from.id)}/associations/default/${i.to.objectType}/${encodeURIComponent(i.to.id)}`,
  }),
  respond: ({ body }: HttpResponse<{ results?: { associationSpec?: { associationTypeId?: number } }[] }>) => ({
    associationTypeIds: (body.results ?? []).flatMap((r) => (typeof r.associationSpec?.associationTypeId === 'number' ? [r.associationSpec.associationTypeId] : [])),
  }),
});
