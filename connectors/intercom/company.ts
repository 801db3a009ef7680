import { z } from 'zod';
import type { HttpRequest } from '../sdk/http-types';
import type { ActionDefinition } from '../sdk/types';
import { defineAction } from './auth';

const company = z.object({ type: z.literal('company'), id: z.string(), company_id: z.string(), name: z.string().nullable().optional(), user_count: z.number().optional() });

/** `steps.<id>.id` is Intercom's id, what attachContactToCompany takes. */
export const companyOutput = z.object({ id: z.string(), companyId: z.string(), name: z.string().nullable(), userCount: z.number() });

function companyResult(body: unknown): z.output<typeof companyOutput> {
  const c = company.parse(body);
  return { id: c.id, companyId: c.company_id, name: c.name ?? null, userCount: c.user_count ?? 0 };
}

type CompanyActionDefinition<I extends z.ZodType> = Pick<ActionDefinition<I, typeof companyOutput>, 'key' | 'title' | 'description' | 'input' | 'sample'> & {
  /** The one Intercom call; its answer is a company object. */
  request: (input: z.output<I>) => HttpRequest;
};

/**
 * An action that makes one Intercom call answering a company. Both company calls (the upsert by
 * company_id, attaching a contact) have the effect of once when repeated, hence `idempotent`.
 */
export function companyAction<I extends z.ZodType>({ request, ...definition }: CompanyActionDefinition<I>) {
  return defineAction({
    ...definition,
    output: companyOutput,
    idempotent: true,
      async run(ctx, i) {
      const res = await ctx.http.request(request(i));
      return companyResult(res.body);
    },
  });
}
