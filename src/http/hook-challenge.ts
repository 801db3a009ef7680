import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import type { ChallengeAnswer } from '../../connectors/sdk/types';
import type { Store } from '../store/store';
import { HttpError } from './errors';

/** Sends a source's handshake answer exactly as the source shaped it (never through the event pipeline). */
export function sendChallengeAnswer(res: ServerResponse, answer: ChallengeAnswer): void {
  res.writeHead(answer.status ?? 200, { ...answer.headers, 'Content-Type': `${answer.contentType}; charset=utf-8` });
  res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}

function queryOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k] = v;
  return out;
}

export interface ChallengeDeps {
  store: Pick<Store, 'connections'>;
  registry: Pick<ConnectorRegistry, 'getConnector'>;
}

/**
 * `GET /hooks/:connection`: a sender's verification handshake (Dropbox `?challenge=`), answered by
 * the connection's source. An unknown connection answers as one without a GET handshake, naming
 * no connector, so a GET cannot tell connection ids apart either.
 */
export async function answerGetChallenge(deps: ChallengeDeps, req: Request, res: Response): Promise<void> {
  const connectionId = String(req.params.connection);
  const connection = await deps.store.connections.get(connectionId);
  const challenge = connection && deps.registry.getConnector(connection.connector)?.webhookSource?.challenge;
  if (!challenge?.get) throw new HttpError(405, 'method_not_allowed', 'this hook URL answers no GET handshake; deliveries are POSTed', undefined, { Allow: 'POST' });
  const credentials = await deps.store.connections.credentials(connectionId);
  const answer = challenge.get({ rawBody: Buffer.alloc(0), headers: req.headers, query: queryOf(req) }, credentials);
  if (!answer) throw new HttpError(400, 'not_a_challenge', 'a GET to this hook URL must carry its handshake parameters', { query: Object.keys(queryOf(req)) });
  sendChallengeAnswer(res, answer);
}
