/** `X-GitHub-Event` + `.` + the body's `action` (events without an action, like `push`, are the event alone). */
const withActions: Record<string, readonly string[]> = {
  issues: ['opened', 'edited', 'deleted', 'closed', 'reopened', 'assigned', 'unassigned', 'labeled', 'unlabeled', 'transferred', 'pinned', 'unpinned', 'locked', 'unlocked', 'milestoned', 'demilestoned'],
  issue_comment: ['created', 'edited', 'deleted'],
  pull_request: ['opened', 'closed', 'reopened', 'edited', 'synchronize', 'ready_for_review', 'converted_to_draft', 'assigned', 'unassigned', 'labeled', 'unlabeled', 'review_requested', 'review_request_removed'],
  pull_request_review: ['submitted', 'edited', 'dismissed'],
  pull_request_review_comment: ['created', 'edited', 'deleted'],
  release: ['published', 'unpublished', 'created', 'edited', 'deleted', 'prereleased', 'released'],
  discussion: ['created', 'edited', 'deleted', 'answered', 'closed', 'reopened'],
  discussion_comment: ['created', 'edited', 'deleted'],
  label: ['created', 'edited', 'deleted'],
  milestone: ['created', 'closed', 'opened', 'edited', 'deleted'],
};

export const githubTopics: readonly string[] = [...Object.entries(withActions).flatMap(([event, actions]) => actions.map((a) => `${event}.${a}`)), 'push', 'create', 'delete', 'ping'];
