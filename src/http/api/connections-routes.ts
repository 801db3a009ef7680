import { z } from 'zod';
import type { ConnectionEventData, ConnectionEventTopic, EngineEvents } from '../../engine/engine-events';
import { connectionStatuses, type BoundCredentials, type Connection, type ConnectionStore } from '../../store/connections';
import { HttpError } from '../errors';
import type { ActivityEntry } from './connection-activity';
import { csvLine } from './csv';
import { defineRoute, validationError, type AnswersOf, type ApiRoute } from './route';
import { runRowSchema } from './run-listing';

export type ConnectionTestResult = { ok: true; detail?: string } | { ok: false; reason: string; authLost: boolean };

/** What the connections API needs to know about connectors (an adapter over connectors/registry). */
export interface ConnectorLookup {
  exists(connectorId: string): boolean;
  known(): string[];
  /** The connector's auth credentials schema; null for connectors without auth. */
  credentialsSchema(connectorId: string): z.ZodType | null;
  hasWebhookSource(connectorId: string): boolean;
  /** Where a connection's requests (and so its credentials) go: origins of its base URL and hosts; throws when the credentials cannot say. */
  origins(connectorId: string, credentials: unknown, baseUrl: string | null): string[];
  /** The connector's `validate` call, when it has one. */
  test?(connection: Connection, credentials: BoundCredentials): Promise<ConnectionTestResult> | undefined;
}

/** `switchyard dev` only: sends a sandbox app's sample delivery to a sandbox connection's webhook URL, through the real ingress. */
export interface TestEventSender {
  /** The topics a sandbox source of this connector can send (the first is the default); undefined when it sends none. */
  topics(connector: string): readonly string[] | undefined;
  /** What the ingress answered the signed delivery. */
  send(connectionId: string, topic: string): Promise<{ status: number; body: unknown }>;
}

export interface ConnectionRoutesDeps {
  connections: ConnectionStore;
  connectors: ConnectorLookup;
  events: EngineEvents;
  /** Runs currently waiting on the connection (Temporal visibility); null when unknown. */
  waitingRuns?(connectionId: string): Promise<number | null>;
  /** Recent calls through the connection, derived from runs (`connectionActivity`). */
  activity?(connectionId: string, limit: number): Promise<ActivityEntry[]>;
  /** PUBLIC_URL; otherwise the request's own origin. */
  publicUrl?: string;
  /** Test events for sandbox connections; only `switchyard dev` runs sandbox apps. */
  testEvents?: TestEventSender;
  now?: () => Date;
}

export const connectionId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,127}$/, { message: 'expected lowercase letters, digits, - and _ (at most 128), starting with a letter or digit' });
export const baseUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL like https://acme.atlassian.net' });

const createConnectionBody = z.strictObject({
  id: connectionId,
  connector: z.string().min(1),
  name: z.string().min(1).max(200),
  credentials: z.unknown().optional(),
  baseUrl: baseUrl.nullable().optional(),
});

const replaceConnectionBody = createConnectionBody.omit({ id: true });

const updateConnectionBody = z
  .strictObject({ name: z.string().min(1).max(200).optional(), credentials: z.unknown().optional(), baseUrl: baseUrl.nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of name, credentials, baseUrl' });

const pauseBody = z.strictObject({ reason: z.string().max(500).optional() });

const testEventBody = z.strictObject({ topic: z.string().min(1).max(200).optional().describe('the vendor topic to send, e.g. conversation_part.tag.created; default: the first the sandbox app offers') });

const activityQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('how many recent runs to look at'),
  format: z.enum(['json', 'ndjson', 'csv']).default('json'),
});

/** A call through the connection, inside a run: the run's own columns, then the step's. */
export const activityEntrySchema = runRowSchema.pick({ runId: true, startedAt: true, closedAt: true }).extend({
  recipeId: z.string(),
  runStatus: z.string(),
  stepId: z.string(),
  action: z.string(),
  status: z.string(),
  attempts: z.number().nullable(),
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
});

const csvColumns = ['runId', 'recipeId', 'startedAt', 'closedAt', 'runStatus', 'stepId', 'action', 'status', 'attempts', 'errorKind', 'errorMessage'] as const;

export const connectionSchema = z.object({
  id: z.string(),
  connector: z.string(),
  name: z.string(),
  baseUrl: z.string().nullable(),
  status: z.enum(connectionStatuses),
  statusReason: z.string().nullable(),
  statusChangedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  webhookUrl: z.string().optional().describe('where the sender posts webhooks, for connectors with a webhook source'),
  sandbox: z.boolean().describe('installed by `switchyard dev` for a sandbox app (shown as "Sandbox"), not set up by a person'),
  waitingRuns: z.number().nullable().optional().describe('runs waiting for this connection to be usable again'),
});
/** What the connection routes answer, for clients (the CLI) that read them. */
export type ConnectionAnswers = AnswersOf<{ connection: typeof connectionSchema; activity: typeof activityEntrySchema }> & { test: ConnectionTestResult };

export function connectionRoutes(deps: ConnectionRoutesDeps): ApiRoute[] {
  const now = () => deps.now?.() ?? new Date();
  const mustGet = async (id: string) => {
    const connection = await deps.connections.get(id);
    if (!connection) throw new HttpError(404, 'unknown_connection', `no connection with id ${id}`, { id });
    return connection;
  };
  const present = async (connection: Connection, origin: string, sandbox?: boolean) => ({
    ...connection,
    sandbox: sandbox ?? (await deps.connections.isSandbox(connection.id)),
    ...(deps.connectors.hasWebhookSource(connection.connector) ? { webhookUrl: `${deps.publicUrl?.replace(/\/$/, '') ?? origin}/hooks/${connection.id}` } : {}),
  });
  const origin = (req: { protocol: string; get(name: string): string | undefined }) => `${req.protocol}://${req.get('host')}`;
  const checkConnector = (connector: string) => {
    if (!deps.connectors.exists(connector)) {
      throw validationError(new z.ZodError([{ code: 'custom', path: ['connector'], message: `unknown connector ${JSON.stringify(connector)} (known: ${deps.connectors.known().join(', ')})`, input: connector }]), 'body');
    }
  };
  const checkCredentials = (connector: string, credentials: unknown): unknown => {
    const schema = deps.connectors.credentialsSchema(connector);
    if (!schema) return credentials ?? {};
    const result = schema.safeParse(credentials ?? {});
    if (!result.success) {
      throw validationError(new z.ZodError(result.error.issues.map((i) => ({ ...i, path: ['credentials', ...i.path] }))), 'body');
    }
    return result.data;
  };
  /** Credentials follow their origin: a base URL that sends them elsewhere needs them again in the same request. */
  const checkOriginKept = async (before: Connection, baseUrl: string | null) => {
    const credentials = await deps.connections.credentials(before.id);
    const originsOf = (url: string | null) => {
      try {
        return deps.connectors.origins(before.connector, credentials, url).join(', ');
      } catch {
        return null;
      }
    };
    const was = originsOf(before.baseUrl);
    const next = originsOf(baseUrl);
    if (was === null || was !== next) {
      const message = `this base URL sends requests to ${next || 'the connector default'} instead of ${was || 'the connector default'}; give the credentials again in the same request (credentials go only to the origin they were entered for)`;
      throw validationError(new z.ZodError([{ code: 'custom', path: ['baseUrl'], message, input: baseUrl }]), 'body');
    }
  };
  const emit = async (topic: ConnectionEventTopic, connection: Connection, reason: string | null) => {
    const data: ConnectionEventData = { connectionId: connection.id, connector: connection.connector, reason };
    await deps.events.publish(topic, data, now());
  };

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/connections',
      scope: 'connections:read',
      tag: 'connections',
      summary: 'List connections (never their credentials)',
      response: z.object({ connections: z.array(connectionSchema) }),
      handler: async ({ req }) => {
        const sandbox = await deps.connections.sandboxIds();
        return { status: 200, body: { connections: await Promise.all((await deps.connections.list()).map((c) => present(c, origin(req), sandbox.has(c.id)))) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/connections',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Create a connection; credentials are checked against the connector’s auth schema',
      body: createConnectionBody,
      response: connectionSchema,
      successStatus: 201,
      handler: async ({ req, body }) => {
        checkConnector(body.connector);
        const credentials = checkCredentials(body.connector, body.credentials);
        if (await deps.connections.get(body.id)) throw new HttpError(409, 'connection_exists', `a connection with id ${body.id} already exists; PUT /api/v1/connections/${body.id} replaces it`, { id: body.id });
        const created = await deps.connections.create({ id: body.id, connector: body.connector, name: body.name, credentials, baseUrl: body.baseUrl ?? null }, now());
        return { status: 201, body: await present(created, origin(req)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/connections/:id',
      scope: 'connections:read',
      tag: 'connections',
      summary: 'One connection, with its status and how many runs wait on it',
      response: connectionSchema,
      handler: async ({ req, params }) => {
        const connection = await mustGet(params.id!);
        const waitingRuns = deps.waitingRuns ? await deps.waitingRuns(connection.id).catch(() => null) : null;
        return { status: 200, body: { ...(await present(connection, origin(req))), waitingRuns } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/connections/:id/activity',
      scope: 'connections:read',
      tag: 'connections',
      summary: 'Recent calls and errors through the connection, derived from runs (?format=ndjson|csv to export)',
      query: activityQuery,
      response: z.object({ entries: z.array(activityEntrySchema) }),
      handler: async ({ params, query, res }) => {
        const connection = await mustGet(params.id!);
        if (!deps.activity) throw new HttpError(409, 'activity_unavailable', 'this server has no run history source for connection activity');
        const entries = await deps.activity(connection.id, query.limit);
        if (query.format === 'json') return { status: 200, body: { entries } };
        res.setHeader('Content-Disposition', `attachment; filename="${connection.id}-activity.${query.format}"`);
        if (query.format === 'ndjson') {
          res.type('application/x-ndjson');
          for (const entry of entries) res.write(JSON.stringify(entry) + '\n');
        } else {
          res.type('text/csv');
          res.write(csvLine([...csvColumns]) + '\n');
          for (const e of entries) res.write(csvLine([e.runId, e.recipeId, e.startedAt, e.closedAt, e.runStatus, e.stepId, e.action, e.status, e.attempts, e.error?.kind, e.error?.message]) + '\n');
        }
        res.end();
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/v1/connections/:id',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Create or replace a connection (new credentials clear a disconnect)',
      body: replaceConnectionBody,
      response: connectionSchema,
      handler: async ({ req, params, body }) => {
        const id = parseId(params.id!);
        checkConnector(body.connector);
        const credentials = checkCredentials(body.connector, body.credentials);
        const before = await deps.connections.get(id);
        if (before && before.connector !== body.connector) {
          throw new HttpError(409, 'connector_mismatch', `connection ${id} belongs to connector ${before.connector}, not ${body.connector}; delete it first`, { id });
        }
        const after = await deps.connections.upsert({ id, connector: body.connector, name: body.name, credentials, baseUrl: body.baseUrl ?? null }, now());
        if (before?.status === 'disconnected' && after.status === 'connected') await emit('connection.restored', after, 'credentials updated');
        return { status: before ? 200 : 201, body: await present(after, origin(req)) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/connections/:id',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Change name, credentials or base URL (new credentials clear a disconnect)',
      body: updateConnectionBody,
      response: connectionSchema,
      handler: async ({ req, params, body }) => {
        const before = await mustGet(params.id!);
        const also = { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.baseUrl !== undefined ? { baseUrl: body.baseUrl } : {}) };
        if (body.credentials !== undefined) {
          const credentials = checkCredentials(before.connector, body.credentials);
          await deps.connections.updateCredentials(before.id, credentials, now(), also);
        } else {
          if (body.baseUrl !== undefined) await checkOriginKept(before, body.baseUrl);
          await deps.connections.updateDetails(before.id, also, now());
        }
        const after = await mustGet(before.id);
        if (before.status === 'disconnected' && after.status === 'connected') await emit('connection.restored', after, 'credentials updated');
        return { status: 200, body: await present(after, origin(req)) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/connections/:id',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Delete a connection and its credentials',
      successStatus: 204,
      handler: async ({ params }) => {
        if (!(await deps.connections.remove(params.id!))) throw new HttpError(404, 'unknown_connection', `no connection with id ${params.id}`, { id: params.id });
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/connections/:id/test',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Check the credentials with the connector’s validate call; success clears a disconnect',
      response: z.object({ ok: z.boolean(), detail: z.string().optional(), reason: z.string().optional(), connection: connectionSchema }),
      handler: async ({ req, params }) => {
        const connection = await mustGet(params.id!);
        const bound = await deps.connections.boundCredentials(connection.id);
        const outcome = bound && deps.connectors.test?.(connection, bound);
        if (!outcome) throw new HttpError(409, 'not_testable', `connector ${connection.connector} has no validate call to test connection ${connection.id} with`);
        const result = await outcome;
        if (result.ok && connection.status === 'disconnected') {
          await deps.connections.setStatus(connection.id, 'connected', null, now());
          await emit('connection.restored', connection, 'test succeeded');
        }
        if (!result.ok && result.authLost && connection.status === 'connected') {
          await deps.connections.setStatus(connection.id, 'disconnected', result.reason, now());
          await emit('connection.disconnected', connection, result.reason);
        }
        const after = await present(await mustGet(connection.id), origin(req));
        return { status: 200, body: result.ok ? { ok: true, ...(result.detail ? { detail: result.detail } : {}), connection: after } : { ok: false, reason: result.reason, connection: after } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/connections/:id/test-event',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Send test event: a sandbox source connection (switchyard dev) sends a signed sample delivery of `topic` through the real ingress (/hooks/<id>); 409 for any other connection',
      body: testEventBody,
      response: z.object({ connectionId: z.string(), topic: z.string(), delivery: z.object({ status: z.number().describe('what /hooks/<id> answered (202: accepted)'), body: z.unknown() }) }),
      handler: async ({ params, body }) => {
        const connection = await mustGet(params.id!);
        if (!(await deps.connections.isSandbox(connection.id)) || !deps.testEvents) {
          throw new HttpError(409, 'not_sandbox', `connection ${connection.id} is not a running sandbox app's connection; test events are sent only to the sandbox apps \`switchyard dev\` starts (for a real connection, trigger the event in the vendor, or POST /api/v1/events)`, { id: connection.id });
        }
        const topics = deps.testEvents.topics(connection.connector);
        if (!topics?.length) throw new HttpError(409, 'not_a_source', `the sandbox ${connection.connector} app sends no webhooks; send test events to a sandbox source such as intercom-main`, { id: connection.id });
        const topic = body.topic ?? topics[0]!;
        if (!topics.includes(topic)) {
          throw validationError(new z.ZodError([{ code: 'custom', path: ['topic'], message: `the sandbox ${connection.connector} app sends ${topics.join(', ')}; got ${JSON.stringify(topic)}`, input: topic }]), 'body');
        }
        const delivery = await deps.testEvents.send(connection.id, topic);
        return { status: 200, body: { connectionId: connection.id, topic, delivery } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/connections/:id/pause',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Pause: events are still accepted, runs wait until resume',
      body: pauseBody,
      response: connectionSchema,
      handler: async ({ req, params, body, token }) => {
        const connection = await mustGet(params.id!);
        if (connection.status !== 'paused') {
          const reason = body.reason ?? `paused by ${token.name}`;
          await deps.connections.setStatus(connection.id, 'paused', reason, now());
          await emit('connection.paused', connection, reason);
        }
        return { status: 200, body: await present(await mustGet(connection.id), origin(req)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/connections/:id/resume',
      scope: 'connections:write',
      tag: 'connections',
      summary: 'Resume a paused connection; waiting runs proceed',
      response: connectionSchema,
      handler: async ({ req, params, token }) => {
        const connection = await mustGet(params.id!);
        if (connection.status !== 'paused') {
          throw new HttpError(409, 'not_paused', `connection ${connection.id} is ${connection.status}, not paused${connection.status === 'disconnected' ? '; update its credentials or test it to reconnect' : ''}`);
        }
        await deps.connections.setStatus(connection.id, 'connected', null, now());
        await emit('connection.resumed', connection, `resumed by ${token.name}`);
        return { status: 200, body: await present(await mustGet(connection.id), origin(req)) };
      },
    }),
  ];
}

function parseId(id: string): string {
  const result = connectionId.safeParse(id);
  if (!result.success) throw validationError(result.error, 'path.id');
  return result.data;
}
