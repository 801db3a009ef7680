import ipaddr from 'ipaddr.js';
import { ConnectorError } from './errors';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Addr, number];

/** Ranges no connector may reach unless the operator allow-lists them (reliability.md §3.2). */
const blockedCidrs: Cidr[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '255.255.255.255/32', '::/128', '::1/128', '2001::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8', '2001:db8::/32', '100::/64',
].map((c) => ipaddr.parseCIDR(c));

/** IPv6 forms that carry an IPv4 address: checked as that address. */
function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = addr.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated)
  if (p.slice(0, 5).every((x) => x === 0) && (p[5] === 0xffff || p[5] === 0)) return v4(p[6]!, p[7]!);
  // NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/48
  if (p[0] === 0x64 && p[1] === 0xff9b) return v4(p[6]!, p[7]!);
  // 6to4 2002:AABB:CCDD::/16
  if (p[0] === 0x2002) return v4(p[1]!, p[2]!);
  // IPv4-translated ::ffff:0:a.b.c.d
  if (p.slice(0, 4).every((x) => x === 0) && p[4] === 0xffff && p[5] === 0) return v4(p[6]!, p[7]!);
  // ISATAP ...:0:5efe:a.b.c.d
  if ((p[4] === 0 || p[4] === 0x200) && p[5] === 0x5efe) return v4(p[6]!, p[7]!);
  return undefined;
}

function inAny(addr: Addr, cidrs: Cidr[]): boolean {
  return cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

export interface EgressPolicy {
  /** Undefined when the address (on `port`, when known) may be reached, else why not. */
  check(address: string, port?: number): string | undefined;
}

/** `127.0.0.1:5001` or `[::1]:5001`: one address on one port (how `switchyard dev` allows exactly its sandbox apps). */
const addressAndPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9a-fA-F:.]+)\]):(\d{1,5})$/;

/**
 * `allow` are CIDRs from SWITCHYARD_EGRESS_ALLOW, plus `address:port` entries the dev runtime adds
 * for its sandbox apps (those match only that address on that port, and only where the port is known:
 * a connection to an IP literal). An allowed address passes even if it is in a blocked range.
 */
export function egressPolicy(allow: readonly string[]): EgressPolicy {
  const allowed: Cidr[] = [];
  const allowedPorts: { addr: Addr; port: number }[] = [];
  for (const c of allow) {
    const exact = addressAndPort.exec(c);
    try {
      if (exact) allowedPorts.push({ addr: ipaddr.parse(exact[1] ?? exact[2]!), port: Number(exact[3]) });
      else allowed.push(c.includes('/') ? ipaddr.parseCIDR(c) : ([ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128] as Cidr));
    } catch {
      throw new Error(`SWITCHYARD_EGRESS_ALLOW: "${c}" is not a CIDR (e.g. 10.0.0.0/8 or 127.0.0.1/32)`);
    }
  }
  const check = (address: string, port?: number): string | undefined => {
    let addr: Addr;
    try {
      addr = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
    } catch {
      return `${address} is not an IP address`;
    }
    if (inAny(addr, allowed)) return undefined;
    if (port !== undefined && allowedPorts.some((a) => a.port === port && a.addr.kind() === addr.kind() && a.addr.toString() === addr.toString())) return undefined;
    if (addr.kind() === 'ipv6') {
      const inner = embeddedIPv4(addr as ipaddr.IPv6);
      if (inner) {
        if (inAny(inner, allowed)) return undefined;
        const why = check(inner.toString());
        if (why) return `${address} embeds ${inner.toString()}: ${why}`;
      }
    }
    if (inAny(addr, blockedCidrs)) return `${address} is in a blocked range (${addr.range()})`;
    const range = addr.range();
    if (range !== 'unicast' && !(addr.kind() === 'ipv6' && embeddedIPv4(addr as ipaddr.IPv6))) return `${address} is not a public address (${range})`;
    return undefined;
  };
  return { check };
}

/** The port a request to `url` connects to (the scheme's default when the URL names none). */
export function portOf(url: { port: string; protocol: string }): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

export const blockedDestinationCode = 'blocked_destination';

export function blockedDestination(target: string, reason: string): ConnectorError {
  return new ConnectorError('fatal', `blocked_destination: ${target} is not an allowed destination (${reason}); allow it with SWITCHYARD_EGRESS_ALLOW if intended`, {
    code: blockedDestinationCode,
  });
}
