import { z } from 'zod';
import type { HttpRequest } from '../sdk/http-types';
import type { ActionDefinition } from '../sdk/types';
import { defineAction } from './auth';
import { customAttributes } from './custom-attributes';

const company = z.object({
  type: z.literal('company'),
  id: z.string(),
  company_id: z.string(),
  name: z.string().nullable().optional(),
  plan: z.union([z.string(), z.object({ name: z.string().nullish() })]).nullish(),
  user_count: z.number().optional(),
  updated_at: z.number().optional(),
  custom_attributes: z.record(z.string(), z.unknown()).optional(),
});

/** `steps.<id>.id` is Intercom's id, what attachContactToCompany and updateCompany take. */
export const companyOutput = z.object({
  id: z.string(),
  companyId: z.string(),
  name: z.string().nullable(),
  userCount: z.number(),
  plan: z.string().nullable(),
  /** Unix seconds. */
  updatedAt: z.number().nullable(),
  customAttributes: z.record(z.string(), z.unknown()),
});

/** An Intercom company object as this connector's company output. */
export function companyResult(body: unknown): z.output<typeof companyOutput> {
  const c = company.parse(body);
  const plan = typeof c.plan === 'string' ? c.plan : (c.plan?.name ?? null);
  return { id: c.id, companyId: c.company_id, name: c.name ?? null, userCount: c.user_count ?? 0, plan, updatedAt: c.updated_at ?? null, customAttributes: c.custom_attributes ?? {} };
}

export const companySample = { id: '6762f0761bb69f9f2193bae2', companyId: 'acme-42', name: 'Acme Ltd', userCount: 3, plan: 'pro', updatedAt: 1764234000, customAttributes: { tier: 'gold' } };

/** The company fields both writes take (the upsert by company_id, the update by Intercom id). */
export const companyFields = {
  name: z.string().min(1).optional(),
  plan: z.string().min(1).optional(),
  size: z.number().int().min(0).optional(),
  website: z.string().min(1).optional(),
  industry: z.string().min(1).optional(),
  monthlySpend: z.number().min(0).optional(),
  customAttributes: customAttributes.optional(),
};

/** `companyFields` as Intercom's snake_case body (fields not given stay out of it). */
export function companyFieldsBody(i: z.output<z.ZodObject<typeof companyFields>>): Record<string, unknown> {
  return { name: i.name, plan: i.plan, size: i.size, website: i.website, industry: i.industry, monthly_spend: i.monthlySpend, custom_attributes: i.customAttributes };
}

type CompanyActionDefinition<I extends z.ZodType> = Pick<ActionDefinition<I, typeof companyOutput>, 'description' | 'input' | 'sample'> & {
  /** The one Intercom call; its answer is a company object. */
  request: (input: z.output<I>) => HttpRequest;
};

/**
 * An action that makes one Intercom call answering a company. The company calls (the upsert by
 * company_id, an update, attaching a contact) have the effect of once when repeated.
 */
export function companyAction<I extends z.ZodType>(definition: CompanyActionDefinition<I>) {
  return defineAction({
    ...definition,
    output: companyOutput,
    effect: { kind: 'idempotencyKey', key: 'company_id (upsert) or the company id' },
    respond: (res) => companyResult(res.body),
  });
}
