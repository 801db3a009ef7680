/** Webhooks v2 event objects (Pipedrive's "List of Webhooks v2"). */
const entities = [
  'activity',
  'board',
  'deal',
  'deal_installment',
  'deal_product',
  'lead',
  'note',
  'organization',
  'person',
  'phase',
  'pipeline',
  'product',
  'project',
  'stage',
  'task',
  'user',
] as const;

/** Webhooks v2 event actions; v1's `added`/`updated`/`merged`/`deleted` are not v2 names. */
const actions = ['create', 'change', 'delete'] as const;

/** `<meta.entity>.<meta.action>`, e.g. `deal.change`, `person.create`. */
export const pipedriveTopics = entities.flatMap((entity) => actions.map((action) => `${entity}.${action}`));
