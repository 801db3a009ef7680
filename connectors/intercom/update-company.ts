import { z } from 'zod';
import { companyAction, companyFields, companyFieldsBody, companySample } from './company';

/** PUT /companies/{id}: Intercom's id (not your company_id, which cannot change); fields not given stay. */
export const updateCompany = companyAction({
  description: "Updates a company's fields and custom attributes by its Intercom id; attributes not given are left as they are.",
  input: z
    .object({
      /** The company's Intercom id (`steps.<findCompany step>.company.id`). */
      id: z.string().min(1),
      ...companyFields,
    })
    .refine((i) => Object.keys(i).some((k) => k !== 'id'), { message: 'give at least one field to update', path: ['customAttributes'] }),
  sample: companySample,
  request: (i) => ({
    method: 'PUT',
    path: `/companies/${encodeURIComponent(i.id)}`,
    json: companyFieldsBody(i),
  }),
});
