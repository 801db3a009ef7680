import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';
import { entityIdFor, linearGraphql } from './graphql';
import { issueOutput, issueSample, issueSelection, linearId, priority, type LinearIssue } from './issue-fields';

const input = z.object({
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
});

const create = `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${issueSelection} } } }`;
const find = `query IssueById($id: ID!) { issues(filter: { id: { eq: $id } }, first: 1) { nodes { ${issueSelection} } } }`;

/**
 * `issueCreate` with a client-supplied `id` derived from the step's idempotency key. A retry first
 * looks the id up (an earlier attempt may have created the issue before its answer was lost), and
 * Linear itself refuses a second issue with the same id.
 */
export const createIssue = defineAction({
  key: 'createIssue',
  title: 'Create issue',
  description: 'Creates a Linear issue in a team (markdown description, priority, labels); a retry never creates a second one.',
  input,
  output: issueOutput,
  idempotent: true,
  timeout: '30s',
  sample: issueSample,
  async run(ctx, i) {
    const id = entityIdFor('issue', ctx.idempotencyKey);
    if (ctx.attempt > 1) {
      const earlier = await linearGraphql<{ nodes: LinearIssue[] }>(ctx, find, { id }, 'issues');
      if (earlier.nodes[0]) return earlier.nodes[0];
    }
    const payload = await linearGraphql<{ issue: LinearIssue | null }>(ctx, create, { input: { id, ...i } }, 'issueCreate');
    if (!payload.issue) throw new ConnectorError('fatal', 'Linear created the issue but returned no issue object', { code: 'unexpected_response' });
    return payload.issue;
  },
});
