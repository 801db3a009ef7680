import { z } from 'zod';
import { describeConnector, searchConnectors } from '../../connectors/catalog';
import { registry as defaultRegistry } from '../../connectors/registry';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import { connectorCategories } from '../../connectors/sdk/types';
import { defineRoute, type ApiRoute } from './api/route';
import { HttpError } from './errors';

const listQuery = z.object({
  category: z.enum(connectorCategories).optional().describe('one of the Intercom App Store categories (or Marketing)'),
  q: z.string().max(100).optional().describe('matches name, description, category, action and trigger names'),
});

/**
 * The connector catalog: `GET /api/v1/connectors?category=&q=` and `GET /api/v1/connectors/:id`
 * (with JSON Schemas of credentials, inputs and outputs). Read with the `connections:read` scope.
 */
export function connectorRoutes(registry: ConnectorRegistry = defaultRegistry): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/connectors',
      scope: 'connections:read',
      summary: 'List connectors (filter by category, search with q), with the inbound signature schemes (and headers) of those that receive webhooks',
      tag: 'connectors',
      query: listQuery,
      async handler({ query }) {
        return { status: 200, body: { connectors: searchConnectors(registry, query) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/connectors/:id',
      scope: 'connections:read',
      summary: 'One connector: auth fields, actions and triggers with JSON Schemas and samples, webhook topics',
      tag: 'connectors',
      async handler({ params }) {
        const connector = registry.getConnector(params.id ?? '');
        if (!connector) {
          throw new HttpError(404, 'unknown_connector', `no connector ${params.id}; known: ${registry.listConnectors().map((c) => c.id).sort().join(', ')}`, { connector: params.id });
        }
        return { status: 200, body: describeConnector(connector) };
      },
    }),
  ];
}
