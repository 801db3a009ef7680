import { z } from 'zod';
import { companyAction } from './company';

/** POST /companies: Intercom upserts by `company_id`, so running it twice has the effect of once. */
export const createOrUpdateCompany = companyAction({
  key: 'createOrUpdateCompany',
  title: 'Create or update company',
  description: 'Creates an Intercom company, or updates the one with the same company_id (your id for it).',
  input: z.object({
    /** Your id for the company: Intercom looks the company up by it (create, else update). It cannot be changed later. */
    companyId: z.string().min(1),
    name: z.string().min(1).optional(),
    plan: z.string().min(1).optional(),
    size: z.number().int().min(0).optional(),
    website: z.string().min(1).optional(),
    industry: z.string().min(1).optional(),
    monthlySpend: z.number().min(0).optional(),
    /** Unix seconds: when the company was created in your system. */
    remoteCreatedAt: z.number().int().optional(),
    customAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  sample: { id: '6762f0761bb69f9f2193bae2', companyId: 'acme-42', name: 'Acme Ltd', userCount: 3 },
  request: (i) => ({
    method: 'POST',
    path: '/companies',
    json: {
      company_id: i.companyId,
      name: i.name,
      plan: i.plan,
      size: i.size,
      website: i.website,
      industry: i.industry,
      monthly_spend: i.monthlySpend,
      remote_created_at: i.remoteCreatedAt,
      custom_attributes: i.customAttributes,
    },
  }),
});
