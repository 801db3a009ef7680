import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Config } from '../../config/config';
import { loadKeyRing, rotateKeyFile } from '../../security/key-ring';
import { createSecretBox, keyIdOf } from '../../security/secret-box';
import { openStore } from '../../store/store';
import type { ResealReport } from '../../store/reseal';
import { DeliveryLog } from '../../webhooks-out/delivery-log';
import { resealSubscriptionSecrets } from '../../webhooks-out/subscriptions';
import { webhookDb } from '../../webhooks-out/tables';
import { loadConfigOrExit } from '../load-config';

export interface RotationReport {
  /** Set when this command made the new key (embedded key file); otherwise the configured key is current. */
  generated: boolean;
  currentKeyId: string;
  total: number;
  resealed: number;
  /** Connections no configured key opens (sealed under a key that is not in the ring). */
  unreadable: string[];
  /** Rows per key id after the reseal: every row should be on the current key. */
  usage: Record<string, number>;
  /** Outgoing-webhook signing secrets, resealed the same way. */
  subscriptions: ResealReport;
  /** Outgoing-webhook payloads in the delivery log (rows from before sealing are sealed now). */
  webhookMessages: ResealReport;
  /** Inbound payloads stored by reference for runs. */
  triggerPayloads: ResealReport;
  /** Step outputs confirmed in the side-effect ledger. */
  effectOutputs: ResealReport;
  /** Accepted events waiting in the durable inbox for their runs to start. */
  inboxEvents: ResealReport;
  /** Delivery bodies kept in the inbound log. */
  inboundLog: ResealReport;
  /** PKCE verifiers of OAuth Connects still waiting for the person's consent. */
  oauthAuthorizations: ResealReport;
}

/**
 * Re-encrypts every connection under the current key while older keys still open them.
 * Embedded mode (no SWITCHYARD_SECRET_KEY): first makes a new `data/secret.key`, keeping the old
 * one in `data/secret.keys.previous`. Configured keys: set the new SWITCHYARD_SECRET_KEY and put
 * the old one in SWITCHYARD_SECRET_KEYS_PREVIOUS on every process first, then run this.
 */
export async function rotateKeys(config: Config): Promise<RotationReport> {
  const generated = !config.SWITCHYARD_SECRET_KEY;
  if (generated) {
    loadKeyRing(config); // makes the key file on a store that never started
    rotateKeyFile(config.SWITCHYARD_DATA_DIR);
  }
  const keys = loadKeyRing(config);
  const box = createSecretBox(keys);
  const store = await openStore(config.databaseUrl, box);
  try {
    const { total, resealed, unreadable } = await store.connections.resealAll();
    const subscriptions = await resealSubscriptionSecrets(webhookDb(store.db), box);
    const webhookMessages = await new DeliveryLog(webhookDb(store.db), box).resealMessages();
    const triggerPayloads = await store.payloads.resealAll();
    const effectOutputs = await store.effects.resealAll();
    const inboxEvents = await store.inbox.resealAll();
    const inboundLog = await store.inboundLog.resealAll();
    const oauthAuthorizations = await store.oauthAuthorizations.resealAll();
    return { generated, currentKeyId: keyIdOf(keys[0]!), total, resealed, unreadable, usage: await store.connections.keyUsage(), subscriptions, webhookMessages, triggerPayloads, effectOutputs, inboxEvents, inboundLog, oauthAuthorizations };
  } finally {
    await store.close();
  }
}

/** `switchyard keys generate|rotate`. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('encryption keys for stored credentials and workflow payloads');
  keys
    .command('generate')
    .description('print a new random key for SWITCHYARD_SECRET_KEY')
    .action(() => console.log(randomBytes(32).toString('base64')));
  keys
    .command('rotate')
    .description('re-encrypt every sealed row (connections, webhook secrets and payloads, stored trigger payloads, side-effect ledger outputs, inbox events, inbound log bodies) under the current key (embedded mode: make a new key first); older keys keep decrypting')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await rotateKeys(loadConfigOrExit());
      const others = { 'webhook subscription secrets': report.subscriptions, 'outgoing webhook messages': report.webhookMessages, 'stored trigger payloads': report.triggerPayloads, 'side-effect ledger outputs': report.effectOutputs, 'inbox events': report.inboxEvents, 'inbound log bodies': report.inboundLog, 'pending OAuth authorizations': report.oauthAuthorizations };
      if (report.unreadable.length || Object.values(others).some((r) => r.unreadable.length)) process.exitCode = 1;
      if (opts.json) return console.log(JSON.stringify(report));
      if (report.generated) console.log(`new key ${report.currentKeyId} written to the data directory; the previous key is kept for decryption`);
      console.log(`re-encrypted ${report.resealed} of ${report.total} connections under key ${report.currentKeyId}`);
      for (const [kind, r] of Object.entries(others)) {
        console.log(`re-encrypted ${r.resealed} of ${r.total} ${kind}`);
        if (r.unreadable.length) console.error(`switchyard: no configured key opens ${r.unreadable.length} ${kind} (${r.unreadable.slice(0, 20).join(', ')})`);
      }
      const stale = Object.entries(report.usage).filter(([id]) => id !== report.currentKeyId);
      if (stale.length) console.log(`still on older keys: ${stale.map(([id, n]) => `${id} (${n})`).join(', ')}`);
      if (report.unreadable.length) {
        console.error(`switchyard: no configured key opens ${report.unreadable.length} connections (${report.unreadable.join(', ')}); add their key to SWITCHYARD_SECRET_KEYS_PREVIOUS`);
      }
      if (report.generated) console.log('restart running switchyard processes so they seal with the new key');
    });
}
