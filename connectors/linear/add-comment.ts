import { z } from 'zod';
import { defineAction } from './auth';
import { createdOnce, entityIdFor, linearGraphql } from './graphql';
import { issueRef } from './issue-fields';

const comment = z.object({ id: z.string(), url: z.string(), body: z.string() });
type Comment = z.output<typeof comment>;

const create = 'mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url body } } }';
const find = 'query CommentById($id: ID!) { comments(filter: { id: { eq: $id } }, first: 1) { nodes { id url body } } }';

/** `commentCreate` with a client-supplied `id` from the idempotency key; a refused retry finds the earlier comment (as createIssue). */
export const addComment = defineAction({
  description: 'Adds a markdown comment to a Linear issue (by id or identifier); a retry never posts it twice.',
  input: z.object({
    issueId: issueRef,
    /** Markdown. */
    body: z.string().min(1),
  }),
  output: comment,
  effect: { kind: 'idempotencyKey', key: 'comment id from the step key' },
  sample: { id: '0c8e3a4e-33f1-4b6f-8f0e-0a1b2c3d4e5f', url: 'https://linear.app/acme/issue/SUP-42#comment-0c8e3a4e', body: 'Customer confirmed the fix.' },
  async run(ctx, i) {
    const id = entityIdFor('comment', ctx.idempotencyKey);
    const created = await createdOnce(ctx, () => linearGraphql<{ comment: Comment }>(ctx, create, { input: { id, issueId: i.issueId, body: i.body } }, 'commentCreate'), async () =>
      (await linearGraphql<{ nodes: Comment[] }>(ctx, find, { id }, 'comments')).nodes[0],
    );
    return 'comment' in created ? created.comment : created;
  },
});
