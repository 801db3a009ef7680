import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';
import { linearGraphql } from './graphql';
import { issueOutput, issueRef, issueSample, issueSelection, linearId, priority, type LinearIssue } from './issue-fields';

const update = `mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { ${issueSelection} } } }`;

/** `issueUpdate`: sets fields (state, priority, assignee, labels added/removed). Setting is idempotent. */
export const updateIssue = defineAction({
  description: 'Changes a Linear issue: title, description, priority, state, assignee, labels added or removed.',
  input: z
    .object({
      issueId: issueRef,
      title: z.string().min(1).max(512).optional(),
      description: z.string().optional(),
      priority: priority.optional(),
      stateId: linearId('workflow state').optional(),
      assigneeId: linearId('assignee').nullable().optional(),
      addedLabelIds: z.array(linearId('label')).optional(),
      removedLabelIds: z.array(linearId('label')).optional(),
    })
    .refine(({ issueId: _id, ...changes }) => Object.values(changes).some((v) => v !== undefined), { message: 'give at least one field to change', path: ['title'] }),
  output: issueOutput,
  effect: { kind: 'idempotencyKey', key: 'the issue id (update sets the fields)' },
  sample: issueSample,
  async run(ctx, { issueId, ...changes }) {
    const payload = await linearGraphql<{ issue: LinearIssue | null }>(ctx, update, { id: issueId, input: changes }, 'issueUpdate');
    if (!payload.issue) throw new ConnectorError('fatal', 'Linear updated the issue but returned no issue object', { code: 'unexpected_response' });
    return payload.issue;
  },
});
