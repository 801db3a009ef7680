import type { ActionCatalog, CatalogAction, CatalogPollingTrigger, CatalogWebhookSource } from '../src/recipe/catalog';
import { amplitude } from './amplitude';
import { dropbox } from './dropbox';
import { github } from './github';
import { googleAnalytics } from './google-analytics';
import { googleDrive } from './google-drive';
import { googleSheets } from './google-sheets';
import { http } from './http';
import { intercom } from './intercom';
import { jira } from './jira';
import { linear } from './linear';
import { mailchimp } from './mailchimp';
import { mixpanel } from './mixpanel';
import { notion } from './notion';
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
]);

/** The recipe compiler's view of the registry. */
export function catalogOf(reg: ConnectorRegistry): ActionCatalog {
  const actionTypes = reg.listConnectors().flatMap((c) => Object.keys(c.actions).map((k) => `${c.id}.${k}`));
  const triggerTypes = reg.listConnectors().flatMap((c) => Object.keys(c.pollingTriggers).map((k) => `${c.id}.${k}`));
  return {
    getAction(type): CatalogAction | undefined {
      const found = reg.getAction(type);
      if (!found) return undefined;
      const { connector, action } = found;
      return {
        connector: connector.id,
        key: action.key,
        input: action.input,
        output: action.output,
        sample: action.sample,
        idempotent: action.idempotent,
        timeout: action.timeout,
        retry: action.retry,
        needsConnection: connectionRequirement(connector, action) === 'required',
      };
    },
    actionTypes: () => [...actionTypes],
    getPollingTrigger(type): CatalogPollingTrigger | undefined {
      const found = reg.getPollingTrigger(type);
      if (!found) return undefined;
      return { connector: found.connector.id, key: found.trigger.key, input: found.trigger.input, output: found.trigger.output, sample: found.trigger.sample };
    },
    pollingTriggerTypes: () => [...triggerTypes],
    getWebhookSource(connector): CatalogWebhookSource | undefined {
      const source = reg.getConnector(connector)?.webhookSource;
      if (!source) return undefined;
      const aliases = Object.fromEntries(Object.keys(source.topicAliases ?? {}).map((alias) => [alias, canonicalTopic(connector, alias, reg)]));
      return { connector, topics: source.topics, aliases, open: source.topicsOpen === true };
    },
    webhookConnectors: () => reg.listConnectors().filter((c) => c.webhookSource).map((c) => c.id),
  };
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
