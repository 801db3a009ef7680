import { z } from 'zod';
import { defineAction } from './auth';
import { paragraphs } from './properties';
import type { HttpResponse } from '../sdk/http-types';

const block = z.object({ type: z.string().min(1) }).loose();

/** PATCH /blocks/{id}/children: appends paragraphs and/or blocks at the end. Not idempotent (a retry appends again). */
export const appendBlocks = defineAction({
  description: 'Appends paragraphs or Notion blocks to the end of a page.',
  input: z
    .object({
      /** A page id (or any block that takes children). */
      blockId: z.string().min(32),
      /** Plain text, one paragraph block each. */
      paragraphs: z.array(z.string()).optional(),
      /** Notion block objects, sent as they are (headings, to-dos, callouts, …). */
      blocks: z.array(block).optional(),
    })
    .refine((i) => (i.paragraphs?.length ?? 0) + (i.blocks?.length ?? 0) > 0, { message: 'give paragraphs or blocks', path: ['paragraphs'] })
    .refine((i) => (i.paragraphs?.length ?? 0) + (i.blocks?.length ?? 0) <= 100, { message: 'Notion appends at most 100 blocks per request', path: ['blocks'] }),
  output: z.object({ blockIds: z.array(z.string()) }),
  effect: { kind: 'atLeastOnce', why: 'Notion appends take no idempotency key' },
  sample: { blockIds: ['9bc30ad4-9373-46a5-84ab-0a7845ee52e6'] },
  request(i) {
    const children = [...paragraphs(i.paragraphs ?? []), ...(i.blocks ?? [])];
    return { method: 'PATCH', path: `/v1/blocks/${encodeURIComponent(i.blockId)}/children`, json: { children } };
  },
  respond: (res: HttpResponse<{ results: { id: string }[] }>) => ({ blockIds: res.body.results.map((b) => b.id) }),
});
