import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ConnectOutcome, OAuthConnect } from '../../engine/oauth-connect';
import { httpErrorOf } from '../errors';
import { errorSchema, jsonSchema } from '../openapi';
import { baseUrl, connectionId, connectionSchema } from './connections-routes';
import { defineRoute, type ApiRoute } from './route';

/** Where vendors send the person back after consent: register `<PUBLIC_URL>/oauth/callback` with each vendor's OAuth app. */
const oauthCallbackPath = '/oauth/callback';

const startBody = z.strictObject({
  connector: z.string().min(1).describe('a connector whose auth is OAuth2 with an authorization-code flow (see `auth.oauth2` in GET /api/v1/connectors/:id)'),
  connectionId: connectionId.describe('the connection to create, or to reconnect (same connector): its id is kept, its credentials replaced'),
  label: z.string().min(1).max(200).optional().describe('the connection name (default: the connector name; a reconnect keeps the name unless given)'),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { message: 'expected one scope token (RFC 6749 §3.3: no spaces or quotes)' }))
    .max(50)
    .optional()
    .describe('replaces the connector’s default scopes'),
  baseUrl: baseUrl.nullable().optional().describe('the connection’s API base URL override (a sandbox or fake), as on POST /api/v1/connections'),
});

const startAnswer = z.object({
  authorizeUrl: z.string().describe('send the person’s browser here (the vendor’s consent page)'),
  state: z.string().describe('single use, also inside authorizeUrl; the callback’s only authority'),
  expiresAt: z.string().describe('consent must come back before this (10 minutes)'),
  scopes: z.array(z.string()),
  redirectUri: z.string().describe('the redirect URI sent to the vendor: register it with the vendor’s OAuth app'),
});

const callbackQuery = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const callbackAnswer = z.object({ connected: z.literal(true), reconnected: z.boolean(), connection: connectionSchema });

/** What the start route answers, for clients (the CLI) that read it. */
export type OAuthStartAnswer = z.output<typeof startAnswer>;

const requestOrigin = (req: Request) => `${req.protocol}://${req.get('host')}`;

/** `POST /api/v1/connections/oauth/start`: begins Connect for a connection (write scope on connections). */
export function oauthStartRoutes(deps: { connect: OAuthConnect; publicUrl?: string }): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/connections/oauth/start',
      scope: 'connections:write',
      tag: 'connections',
      summary:
        'OAuth Connect: start the authorization-code flow (PKCE S256, single-use state, 10 minutes) for a new connection or a reconnect; open authorizeUrl in the person’s browser, the vendor then calls GET /oauth/callback',
      body: startBody,
      response: startAnswer,
      successStatus: 201,
      handler: async ({ req, body, token }) => {
        const redirectUri = `${(deps.publicUrl ?? requestOrigin(req)).replace(/\/+$/, '')}${oauthCallbackPath}`;
        const started = await deps.connect.start(body, { tokenId: token.id, redirectUri });
        return { status: 201, body: { ...started, redirectUri } };
      },
    }),
  ];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: Response, status: number, title: string, message: string): void {
  res.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** Where the console shows the outcome: `/apps/<id>?connected=1`, or `?oauth_error=<code>&message=<text>`. */
function consoleLocation(outcome: ConnectOutcome): string | null {
  if (outcome.ok) return `/apps/${encodeURIComponent(outcome.connection.id)}?connected=1`;
  if (!outcome.connectionId) return null;
  const query = new URLSearchParams({ oauth_error: outcome.refusal.code, message: outcome.refusal.message });
  return `/apps/${encodeURIComponent(outcome.connectionId)}?${query.toString()}`;
}

/**
 * `GET /oauth/callback?code&state` (or `?error&state`): public, no bearer token — the single-use
 * state is the authority. A browser is redirected (303) to the console's page of the connection;
 * a client asking for JSON (`Accept: application/json`) gets the outcome as JSON. A state that is
 * unknown, expired or used is refused (400) and nothing is stored.
 */
export function oauthCallbackRouter(deps: { connect: OAuthConnect }): Router {
  const router = Router();
  router.get(oauthCallbackPath, (req, res, next) => {
    void (async () => {
      // The URL carries the authorization code: keep it out of caches and Referer headers.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      const parsed = callbackQuery.safeParse(req.query);
      const q = parsed.success ? parsed.data : {};
      const outcome = await deps.connect.finish({ state: q.state, code: q.code, error: q.error, errorDescription: q.error_description });
      const wantsJson = req.accepts(['html', 'json']) === 'json';
      if (wantsJson) {
        if (!outcome.ok) throw outcome.refusal;
        res.status(200).json({ connected: true, reconnected: outcome.reconnected, connection: outcome.connection });
        return;
      }
      const location = consoleLocation(outcome);
      if (location) {
        res.redirect(303, location);
        return;
      }
      if (!outcome.ok) page(res, httpErrorOf(outcome.refusal).status, 'Connect did not finish', outcome.refusal.message);
    })().catch(next);
  });
  return router;
}

/** The callback in the OpenAPI document (it lives outside /api/v1 and takes no token). */
export const oauthCallbackOpenApi: Record<string, Record<string, unknown>> = {
  [oauthCallbackPath]: {
    get: {
      operationId: 'getOauthCallback',
      summary: 'OAuth Connect callback (the vendor redirects the person here): exchanges the code, stores the tokens sealed as the connection’s credentials',
      tags: ['connections'],
      security: [],
      parameters: ['code', 'state', 'error', 'error_description'].map((name) => ({ name, in: 'query', required: name === 'state', schema: { type: 'string' } })),
      responses: {
        '200': { description: 'connected (with Accept: application/json)', content: { 'application/json': { schema: jsonSchema(callbackAnswer, 'output') } } },
        '303': {
          description:
            'to /apps/<connectionId>?connected=1, or /apps/<connectionId>?oauth_error=<code>&message=<text> (access_denied, invalid_grant, invalid_client, token_exchange_failed, bad_token_response, …)',
        },
        '4XX': {
          description: '400 state_unknown | state_expired | state_used | invalid_state (nothing stored; an HTML page, or JSON when asked); with JSON also the oauth_error codes above',
          content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
        },
      },
    },
  },
};
