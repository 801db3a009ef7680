import { catalogFromList, type ActionCatalog, type CatalogAction, type CatalogPollingTrigger } from '../src/recipe/catalog';
import { amplitude } from './amplitude';
import { googleAnalytics } from './google-analytics';
import { googleSheets } from './google-sheets';
import { http } from './http';
import { intercom } from './intercom';
import { jira } from './jira';
import { mailchimp } from './mailchimp';
import { mixpanel } from './mixpanel';
import { connectionRequirement, createRegistry, type ConnectorRegistry } from './sdk/registry';
import { slack } from './slack';
import { teams } from './teams';
import { webhook } from './webhook';

/** Every connector, one line each. */
export const registry: ConnectorRegistry = createRegistry([
  intercom,
  slack,
  teams,
  jira,
  mailchimp,
  googleSheets,
  webhook,
  http,
  googleAnalytics,
  mixpanel,
  amplitude,
]);

/** The recipe compiler's view of the registry. */
export function catalogOf(reg: ConnectorRegistry): ActionCatalog {
  const connectors = reg.listConnectors();
  const actions = connectors.flatMap((c) =>
    Object.values(c.actions).map(
      (action): CatalogAction => ({
        connector: c.id,
        key: action.key,
        input: action.input,
        output: action.output,
        sample: action.sample,
        idempotent: action.idempotent,
        timeout: action.timeout,
        retry: action.retry,
        needsConnection: connectionRequirement(c, action) === 'required',
      }),
    ),
  );
  const triggers = connectors.flatMap((c) =>
    Object.values(c.pollingTriggers).map((t): CatalogPollingTrigger => ({ connector: c.id, key: t.key, input: t.input, output: t.output, sample: t.sample })),
  );
  return catalogFromList(actions, triggers);
}

export const actionCatalog: ActionCatalog = catalogOf(registry);

/**
 * The real topic for a recipe's webhook trigger event: a documented alias (Intercom's
 * `conversation.created`) resolves to the sender's topic (`conversation.user.created`); globs and
 * unknown names pass through unchanged.
 */
export function canonicalTopic(connectorId: string, event: string, reg: ConnectorRegistry = registry): string {
  return reg.getConnector(connectorId)?.webhookSource?.topicAliases?.[event] ?? event;
}
