import { z } from 'zod';
import { defineAction } from './auth';
import { companyOutput, companyResult, companySample } from './company';

const page = z.object({
  data: z.array(z.unknown()),
  total_count: z.number(),
  pages: z.object({ page: z.number(), total_pages: z.number() }).nullish(),
});

/**
 * POST /companies/list?page=&per_page=&order= (page numbers; Intercom lists at most 10,000 companies
 * this way and leaves out companies without users). `updatedSince` filters the pages read, client-side:
 * Intercom cannot filter companies by updated_at.
 */
export const listCompanies = defineAction({
  description: 'Lists companies page by page (up to 60 a page), optionally only those updated since a time.',
  input: z.object({
    page: z.number().int().min(1).default(1),
    perPage: z.number().int().min(1).max(60).default(60),
    /** Read up to this many pages from `page`. */
    maxPages: z.number().int().min(1).max(50).default(1),
    order: z.enum(['asc', 'desc']).default('desc'),
    /** Unix seconds: keep only companies updated at or after it. */
    updatedSince: z.number().int().min(0).optional(),
  }),
  output: z.object({ companies: z.array(companyOutput), totalCount: z.number(), nextPage: z.number().nullable() }),
  effect: { kind: 'none' },
  sample: { companies: [companySample], totalCount: 1, nextPage: null },
  async run(ctx, i) {
    const companies: z.output<typeof companyOutput>[] = [];
    let totalCount = 0;
    let next: number | null = i.page;
    for (let n = 0; n < i.maxPages && next !== null; n++) {
      const res = await ctx.http.request({ method: 'POST', path: '/companies/list', query: { page: next, per_page: i.perPage, order: i.order } });
      const body = page.parse(res.body);
      totalCount = body.total_count;
      for (const raw of body.data) {
        const c = companyResult(raw);
        if (i.updatedSince === undefined || (c.updatedAt ?? 0) >= i.updatedSince) companies.push(c);
      }
      const current: number = body.pages?.page ?? next;
      next = current < (body.pages?.total_pages ?? 0) ? current + 1 : null;
      ctx.heartbeat({ page: current });
    }
    return { companies, totalCount, nextPage: next };
  },
});
