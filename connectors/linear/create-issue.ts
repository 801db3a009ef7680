import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';
import { createdOnce, entityIdFor, linearGraphql } from './graphql';
import { issueOutput, issueSample, issueSelection, linearId, priority, type LinearIssue } from './issue-fields';

const create = `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${issueSelection} } } }`;
const find = `query IssueById($id: ID!) { issues(filter: { id: { eq: $id } }, first: 1) { nodes { ${issueSelection} } } }`;

/**
 * `issueCreate` with a client-supplied `id` derived from the step's idempotency key, so Linear
 * refuses a second issue with the same id. When a retry is refused, the earlier attempt created the
 * issue before its answer was lost: the action finds it by that id and returns it.
 */
export const createIssue = defineAction({
  description: 'Creates a Linear issue in a team (markdown description, priority, labels); a retry never creates a second one.',
  input: z.object({
    teamId: linearId('team'),
    title: z.string().min(1).max(512),
    /** Markdown. */
    description: z.string().optional(),
    priority: priority.optional(),
    assigneeId: linearId('assignee').optional(),
    stateId: linearId('workflow state').optional(),
    labelIds: z.array(linearId('label')).optional(),
    projectId: linearId('project').optional(),
    parentId: linearId('parent issue').optional(),
  }),
  output: issueOutput,
  effect: { kind: 'idempotencyKey', key: 'issue id from the step key' },
  sample: issueSample,
  async run(ctx, i) {
    const id = entityIdFor('issue', ctx.idempotencyKey);
    const created = await createdOnce(ctx, () => linearGraphql<{ issue: LinearIssue | null }>(ctx, create, { input: { id, ...i } }, 'issueCreate'), async () =>
      (await linearGraphql<{ nodes: LinearIssue[] }>(ctx, find, { id }, 'issues')).nodes[0],
    );
    if ('issue' in created) {
      if (!created.issue) throw new ConnectorError('fatal', 'Linear created the issue but returned no issue object', { code: 'unexpected_response' });
      return created.issue;
    }
    return created;
  },
});
