import { z } from 'zod';
import { isConnectorError } from '../sdk/errors';
import { defineAction } from './auth';
import { companyOutput, companyResult, companySample } from './company';

const companyList = z.object({ data: z.array(z.unknown()) });

/**
 * GET /companies?company_id=…: the company with your id for it, or null when Intercom has none
 * (its 404 `company_not_found` is an answer here, not a failure).
 */
export const findCompany = defineAction({
  description: 'Looks a company up by your company_id; `company` is null when there is none.',
  input: z.object({ companyId: z.string().min(1) }),
  output: z.object({ company: companyOutput.nullable() }),
  effect: { kind: 'none' },
  sample: { company: companySample },
  async run(ctx, i) {
    try {
      const res = await ctx.http.request({ method: 'GET', path: '/companies', query: { company_id: i.companyId } });
      // Newer API versions answer a list of one; older ones the company itself.
      const list = companyList.safeParse(res.body);
      const body = list.success ? list.data.data[0] : res.body;
      return { company: body === undefined ? null : companyResult(body) };
    } catch (err) {
      if (isConnectorError(err) && err.status === 404) return { company: null };
      throw err;
    }
  },
});
