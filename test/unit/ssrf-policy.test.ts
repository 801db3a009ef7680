import { describe, expect, it } from 'vitest';
import { checkDestination } from '../../connectors/sdk/guarded-agent';
import { egressPolicy } from '../../connectors/sdk/ssrf';

describe('egress policy', () => {
  it('allows public addresses, including NAT64/6to4 forms of public IPv4', () => {
    const p = egressPolicy([]);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '64:ff9b::808:808', '2002:808:808::1']) expect(p.check(a), a).toBeUndefined();
  });

  it('blocks the reserved ranges and IPv6 forms embedding them', () => {
    const p = egressPolicy([]);
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.0.1', '100.64.1.1', '169.254.169.254', '0.0.0.0', '224.0.0.1', '240.0.0.1', '255.255.255.255', '192.0.2.1', '198.51.100.1', '203.0.113.9', '198.19.1.1', '::1', '::', 'fe80::1', 'fd12::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '64:ff9b:1::a00:1', '2002:c0a8:101::', '2001:0:4136:e378::1', '2001:db8::1', '::5efe:a00:1', 'fec0::1']) {
      expect(p.check(a), a).toBeDefined();
    }
  });

  it('the allow-list re-opens exactly its CIDRs, also through IPv4-mapped forms', () => {
    const p = egressPolicy(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    expect(p.check('10.9.9.9')).toBeUndefined();
    expect(p.check('::ffff:10.9.9.9')).toBeUndefined();
    expect(p.check('127.0.0.1')).toBeUndefined();
    expect(p.check('127.0.0.2')).toBeDefined();
    expect(p.check('fd00::5')).toBeUndefined();
    expect(p.check('192.168.1.1')).toBeDefined();
  });

  it('an address:port entry (the dev sandbox apps) opens that address on that port only', async () => {
    const p = egressPolicy(['127.0.0.1:4100', '[::1]:4101']);
    expect(p.check('127.0.0.1', 4100)).toBeUndefined();
    expect(p.check('127.0.0.1', 4101)).toBeDefined();
    expect(p.check('127.0.0.1')).toBeDefined();
    expect(p.check('127.0.0.2', 4100)).toBeDefined();
    expect(p.check('::1', 4101)).toBeUndefined();
    expect(p.check('::1', 4100)).toBeDefined();
    expect(p.check('::ffff:127.0.0.1', 4100)).toBeDefined();
    await expect(checkDestination(new URL('http://127.0.0.1:4100/x'), ['127.0.0.1:4100'])).resolves.toBeUndefined();
    await expect(checkDestination(new URL('http://127.0.0.1/x'), ['127.0.0.1:4100'])).rejects.toThrow(/blocked_destination/);
    await expect(checkDestination(new URL('http://localhost:4100/x'), ['127.0.0.1:4100'])).rejects.toThrow(/blocked_destination/);
  });

  it('rejects a malformed allow-list entry with a message naming it', () => {
    expect(() => egressPolicy(['10.0.0.0/33'])).toThrow('SWITCHYARD_EGRESS_ALLOW: "10.0.0.0/33" is not a CIDR');
    expect(() => egressPolicy(['intranet'])).toThrow(/"intranet"/);
  });
});
