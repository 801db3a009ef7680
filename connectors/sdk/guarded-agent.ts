import dns from 'node:dns';
import net from 'node:net';
import { Agent, buildConnector } from 'undici';
import { blockedDestination, egressPolicy, portOf, type EgressPolicy } from './ssrf';

/** Thrown from the connector when a destination is refused; the client turns it into a fatal `blocked_destination`. */
export class BlockedDestinationError extends Error {
  readonly code = 'blocked_destination';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`blocked_destination: ${target} (${reason})`);
  }
  toConnectorError() {
    return blockedDestination(this.target, this.reason);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** Special-use names that never denote a public host (RFC 6761, RFC 6762, ICANN's .internal): refused even when they do not resolve here. */
const privateName = /(^|\.)(localhost|local|internal|home\.arpa)\.?$/i;

/**
 * A `lookup` for net/tls.connect that resolves every address of the host and refuses the
 * connection if ANY of them is blocked: the check happens at connect time, on the addresses
 * actually used, so DNS rebinding between a check and the connect is impossible.
 */
function guardedLookup(policy: EgressPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err && privateName.test(hostname)) return callback(new BlockedDestinationError(hostname, 'a special-use private name'), []);
      if (err) return callback(err, []);
      const list = addresses;
      for (const a of list) {
        const why = policy.check(a.address);
        if (why) return callback(new BlockedDestinationError(hostname, `resolves to ${why}`), []);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Checks a destination before anything is sent (e.g. when a webhook subscription is saved): the
 * same policy the agent applies at connect time. Rejects with `BlockedDestinationError`, or an
 * Error when the host does not resolve.
 */
export async function checkDestination(url: URL, egressAllow: readonly string[]): Promise<void> {
  const policy = egressPolicy(egressAllow);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) {
    const why = policy.check(host, portOf(url));
    if (why) throw new BlockedDestinationError(host, why);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    guardedLookup(policy)(host, { all: true }, (err) => {
      if (!err) return resolve();
      reject(err instanceof BlockedDestinationError ? err : new Error(`cannot resolve ${host}: ${err.code ?? err.message}`));
    });
  });
}

export interface GuardedAgentOptions {
  egressAllow: readonly string[];
  connectTimeoutMs?: number;
  /** Idle keep-alive socket lifetime. */
  keepAliveTimeoutMs?: number;
}

/** A keep-alive undici Agent whose every connection goes through the egress policy. */
export function guardedAgent(opts: GuardedAgentOptions): Agent {
  const policy = egressPolicy(opts.egressAllow);
  const base = buildConnector({ timeout: opts.connectTimeoutMs ?? 10_000, lookup: guardedLookup(policy) });
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    // IP literals never reach `lookup`, so they are checked here.
    if (net.isIP(host)) {
      const why = policy.check(host, portOf({ port: String(options.port ?? ''), protocol: options.protocol }));
      if (why) return callback(new BlockedDestinationError(host, why), null);
    }
    return base(options, callback);
  };
  return new Agent({ connect, keepAliveTimeout: opts.keepAliveTimeoutMs ?? 4_000, connections: 64 });
}

const agents = new Map<string, Agent>();

/** One shared agent per allow-list (so keep-alive pools are reused across activities). */
export function sharedGuardedAgent(egressAllow: readonly string[]): Agent {
  const key = egressAllow.join(',');
  let agent = agents.get(key);
  if (!agent) {
    agent = guardedAgent({ egressAllow });
    agents.set(key, agent);
  }
  return agent;
}
