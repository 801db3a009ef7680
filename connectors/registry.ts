import { catalogFromList, type ActionCatalog, type CatalogAction, type CatalogPollingTrigger, type CatalogWebhookSource } from './sdk/action-catalog';
import { amplitude } from './amplitude';
import { dropbox } from './dropbox';
import { github } from './github';
import { googleAnalytics } from './google-analytics';
import { googleDrive } from './google-drive';
import { googleSheets } from './google-sheets';
import { http } from './http';
import { hubspot } from './hubspot';
import { intercom } from './intercom';
import { jira } from './jira';
import { linear } from './linear';
import { mailchimp } from './mailchimp';
import { mixpanel } from './mixpanel';
import { notion } from './notion';
import { pipedrive } from './pipedrive';
import { salesforce } from './salesforce';
import { connectionRequirement, createRegistry, type ConnectorRegistry } from './sdk/registry';
import { slack } from './slack';
import { teams } from './teams';
import { webhook } from './webhook';
import { zoom } from './zoom';

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
  linear,
  github,
  notion,
  googleAnalytics,
  mixpanel,
  amplitude,
  zoom,
  dropbox,
  googleDrive,
  salesforce,
  hubspot,
  pipedrive,
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
        effect: action.effect.kind,
        timeout: action.timeout,
        retry: action.retry,
        needsConnection: connectionRequirement(c, action) === 'required',
      }),
    ),
  );
  const triggers = connectors.flatMap((c) =>
    Object.values(c.pollingTriggers).map((t): CatalogPollingTrigger => ({ connector: c.id, key: t.key, input: t.input, output: t.output, sample: t.sample })),
  );
  const webhookSources = connectors.flatMap(({ id, webhookSource: source }): CatalogWebhookSource[] => {
    if (!source) return [];
    const aliases = Object.fromEntries(Object.keys(source.topicAliases ?? {}).map((alias) => [alias, canonicalTopic(id, alias, reg)]));
    return [{ connector: id, topics: source.topics, aliases, open: source.topicsOpen === true }];
  });
  return catalogFromList(actions, triggers, webhookSources);
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
