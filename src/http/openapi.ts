import { z } from 'zod';
import type { ApiRoute } from './api/route';

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: ApiRoute[], info: { version: string; serverUrl?: string; publicPaths?: Record<string, Record<string, unknown>> }): Record<string, unknown> {
  // Public operations outside /api/v1 (the OAuth callback), described by their owners.
  const paths: Record<string, Record<string, unknown>> = { ...info.publicPaths };
  for (const route of routes) {
    const openPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = route.query ? queryParameters(route.query) : [];
    const success = String(route.successStatus ?? 200);
    (paths[openPath] ??= {})[route.method] = {
      operationId: `${route.method}${openPath.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      tags: [route.tag],
      security: [{ bearer: [route.scope] }],
      'x-required-scope': route.scope,
      parameters: [...params, ...query],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses: {
        [success]: success === '204' ? { description: 'done' } : { description: 'success', content: { 'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : {} } } },
        '4XX': { description: 'rejected; the message names what was wrong and where', content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchyard management API', version: info.version, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    // Paths start with /api/v1; without PUBLIC_URL the server is the host that served this document.
    servers: [info.serverUrl ? { url: info.serverUrl, description: 'PUBLIC_URL' } : { url: '/', description: 'the host serving this document' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token (sy_…) with the scope each operation names' } },
    },
    paths,
  };
}

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function queryParameters(schema: z.ZodType): unknown[] {
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}
