import { z } from 'zod';
import { companyAction, companyFields, companyFieldsBody, companySample } from './company';

/** POST /companies: Intercom upserts by `company_id`, so running it twice has the effect of once. */
export const createOrUpdateCompany = companyAction({
  description: 'Creates an Intercom company, or updates the one with the same company_id (your id for it).',
  input: z.object({
    /** Your id for the company: Intercom looks the company up by it (create, else update). It cannot be changed later. */
    companyId: z.string().min(1),
    ...companyFields,
    /** Unix seconds: when the company was created in your system. */
    remoteCreatedAt: z.number().int().optional(),
  }),
  sample: companySample,
  request: (i) => ({
    method: 'POST',
    path: '/companies',
    json: { company_id: i.companyId, ...companyFieldsBody(i), remote_created_at: i.remoteCreatedAt },
  }),
});
