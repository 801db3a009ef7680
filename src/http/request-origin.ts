import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from 'proxy-addr';

/** Whose X-Forwarded-* headers the API believes (express's `trust proxy`): a proxy on the same host. */
export const TRUSTED_PROXY = 'loopback';

const trusted = proxyAddr.compile(TRUSTED_PROXY);

/** The scheme a request came in with, read as express's `req.protocol` reads it under TRUSTED_PROXY. */
export function requestProtocol(req: IncomingMessage): string {
  const own = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (!trusted(req.socket.remoteAddress ?? '', 0)) return own;
  const forwarded = req.headers['x-forwarded-proto'];
  const header = (Array.isArray(forwarded) ? forwarded[0] : forwarded) || own;
  const comma = header.indexOf(',');
  return (comma === -1 ? header : header.slice(0, comma)).trim();
}
