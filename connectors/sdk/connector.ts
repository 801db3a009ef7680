import type { z } from 'zod';
import { defineAction, nameAction, type ActionSpec, type UnnamedAction } from './action';
import { eraseCredentials } from './erase-credentials';
import { connectorCategories, type ActionDefinition, type AuthDefinition, type ConnectorDefinition, type PollingTriggerDefinition, type WebhookSourceDefinition } from './types';

/** Accumulates a connector; `definition` is the finished, plain definition the registry holds. */
export interface ConnectorBuilder<C> {
  readonly definition: ConnectorDefinition<C>;
  /** The definition as the registry holds it, beside connectors of other credential types (see erase-credentials.ts). */
  readonly registered: ConnectorDefinition;
  action<I extends z.ZodType, O extends z.ZodType>(action: ActionDefinition<I, O, C>): ConnectorBuilder<C>;
  /** The action files' definitions, each under its key: `.actions({ createIssue, addComment })`. */
  actions(named: Readonly<Record<string, UnnamedAction<z.ZodType, z.ZodType, C>>>): ConnectorBuilder<C>;
  pollingTrigger<I extends z.ZodType, O extends z.ZodType>(trigger: PollingTriggerDefinition<I, O, C>): ConnectorBuilder<C>;
  webhookSource(source: WebhookSourceDefinition<C>): ConnectorBuilder<C>;
}

type ConnectorInput<C> = Omit<ConnectorDefinition<C>, 'actions' | 'pollingTriggers' | 'webhookSource' | 'vendor'> & {
  vendor?: ConnectorDefinition<C>['vendor'];
};

const idPattern = /^[a-z][a-z0-9-]*$/;
const keyPattern = /^[a-z][A-Za-z0-9]*$/;

function build<C>(def: ConnectorDefinition<C>): ConnectorBuilder<C> {
  const builder: ConnectorBuilder<C> = {
    definition: def,
    get registered() {
      return eraseCredentials(def);
    },
    action(action) {
      if (!keyPattern.test(action.key)) throw new Error(`connector ${def.id}: action key "${action.key}" must be camelCase`);
      if (def.actions[action.key]) throw new Error(`connector ${def.id}: duplicate action ${action.key}`);
      return build({ ...def, actions: { ...def.actions, [action.key]: action } });
    },
    actions(named) {
      return Object.entries(named).reduce((b, [key, action]) => b.action(nameAction(key, action)), builder);
    },
    pollingTrigger(trigger) {
      if (!keyPattern.test(trigger.key)) throw new Error(`connector ${def.id}: trigger key "${trigger.key}" must be camelCase`);
      if (def.pollingTriggers[trigger.key]) throw new Error(`connector ${def.id}: duplicate polling trigger ${trigger.key}`);
      return build({ ...def, pollingTriggers: { ...def.pollingTriggers, [trigger.key]: trigger } });
    },
    webhookSource(source) {
      if (def.webhookSource) throw new Error(`connector ${def.id}: webhook source already defined`);
      return build({ ...def, webhookSource: source });
    },
  };
  return builder;
}

/** Starts a connector definition; the auth kind (and so the credentials type) is fixed here, once. */
export function connector<C>(input: ConnectorInput<C>): ConnectorBuilder<C> {
  if (!idPattern.test(input.id)) throw new Error(`connector id "${input.id}" must be kebab-case`);
  if (!connectorCategories.includes(input.category)) throw new Error(`connector ${input.id}: unknown category ${input.category}`);
  return build({ ...input, vendor: input.vendor ?? { vendor: input.name }, actions: {}, pollingTriggers: {} });
}

/** For one-action-per-file connectors: `export const defineAction = actionFor(jiraAuth)`, then `export const createIssue = defineAction({...})` (an `ActionSpec`, see action.ts) infers everything, and the index registers it: `.actions({ createIssue })`. */
export function actionFor<C>(_auth: AuthDefinition<C>) {
  return <I extends z.ZodType, O extends z.ZodType, B = unknown>(spec: ActionSpec<I, O, C, B>) => defineAction(spec);
}

export function pollingTriggerFor<C>(_auth: AuthDefinition<C>) {
  return <I extends z.ZodType, O extends z.ZodType>(trigger: PollingTriggerDefinition<I, O, C>) => trigger;
}

export function webhookSourceFor<C>(_auth: AuthDefinition<C>) {
  return (source: WebhookSourceDefinition<C>) => source;
}
