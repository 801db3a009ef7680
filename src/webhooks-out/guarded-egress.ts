import dns from 'node:dns';
import net from 'node:net';
import { errors, request, type Dispatcher } from 'undici';
import { BlockedDestinationError as SdkBlockedDestinationError, sharedGuardedAgent } from '../../connectors/sdk/guarded-agent';
import { egressPolicy } from '../../connectors/sdk/ssrf';
import { BlockedDestinationError, EgressTimeoutError, type EgressRequest, type EgressResponse, type WebhookEgress } from './egress';
import { validateSubscriptionUrl } from './subscription-url';

/**
 * Outgoing webhooks over the connectors' SSRF-guarded agent (every resolved address checked at
 * connect time, IP literals too). Redirects are never followed: a 3xx is returned as is.
 */
export function guardedWebhookEgress(opts: { egressAllow: readonly string[]; dispatcher?: Dispatcher }): WebhookEgress {
  const policy = egressPolicy(opts.egressAllow);
  const dispatcher = opts.dispatcher ?? sharedGuardedAgent(opts.egressAllow);

  async function checkUrl(value: string): Promise<void> {
    const url = urlOrBlocked(value);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const why = policy.check(host);
      if (why) throw new BlockedDestinationError(why);
      return;
    }
    let addresses: dns.LookupAddress[];
    try {
      addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
    } catch (err) {
      if (privateName.test(host)) throw new BlockedDestinationError(`${host} is a special-use private name`);
      throw new Error(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    for (const a of addresses) {
      const why = policy.check(a.address);
      if (why) throw new BlockedDestinationError(`${host} resolves to ${why}`);
    }
  }

  async function post(req: EgressRequest): Promise<EgressResponse> {
    const url = urlOrBlocked(req.url);
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readAtMost(res.body, req.maxResponseBytes);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      return { status: res.statusCode, headers, body };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOTFOUND' || code === 'EAI_AGAIN') && privateName.test(url.hostname)) {
        throw new BlockedDestinationError(`${url.hostname} is a special-use private name`);
      }
      throw translate(err, signal);
    }
  }

  return { checkUrl, post };
}

/** Special-use names that never denote a public host (RFC 6761, RFC 6762, ICANN's .internal). */
const privateName = /(^|\.)(localhost|local|internal|home\.arpa)\.?$/i;

function urlOrBlocked(value: string): URL {
  try {
    return validateSubscriptionUrl(value);
  } catch (err) {
    throw new BlockedDestinationError(err instanceof Error ? err.message : String(err));
  }
}

async function readAtMost(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size >= limit) break;
  }
  // Leaving the loop early destroys the stream: the rest of a large body is never read.
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}

function translate(err: unknown, signal: AbortSignal): Error {
  const found = findBlocked(err);
  if (found) return new BlockedDestinationError(found.message.replace(/^blocked_destination: /, ''));
  if (signal.aborted || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) {
    return new EgressTimeoutError('no response within the timeout');
  }
  const e = err as NodeJS.ErrnoException;
  return new Error(e.code ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(err));
}

function findBlocked(err: unknown): Error | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SdkBlockedDestinationError || e instanceof BlockedDestinationError) return e;
    if ((e as { code?: string }).code === 'blocked_destination') return e as Error;
  }
  return undefined;
}
