/** Data-change webhooks: `<type>.<action>` (Linear's webhook `type` and `action` fields). */
const entityTypes = ['Issue', 'Comment', 'IssueLabel', 'Project', 'ProjectUpdate', 'Cycle', 'Reaction', 'Attachment', 'Document', 'Initiative', 'InitiativeUpdate', 'Customer', 'CustomerNeed', 'User'] as const;

export const linearTopics: readonly string[] = [
  ...entityTypes.flatMap((type) => ['create', 'update', 'remove'].map((action) => `${type}.${action}`)),
  'IssueSLA.set',
  'IssueSLA.highRisk',
  'IssueSLA.breached',
  'OAuthApp.revoked',
];
