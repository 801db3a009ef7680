import { isConnectorError } from '../connectors/sdk/errors';
import type { AnyAction } from '../connectors/sdk/registry';
import type { ActionContext } from '../connectors/sdk/types';
import type { EffectLedger } from '../src/store/effect-ledger';

/** The ledger as the action activities use it. */
export type EffectLedgerPort = Pick<EffectLedger, 'get' | 'begin' | 'confirm' | 'forget'>;

/**
 * Runs one attempt of a step at most once in effect, as the action's `effect` declares
 * (connectors/sdk/types.ts). For `reconcile` (and `atLeastOnce`, where a crash after the vendor's
 * answer is the only repeat the ledger can stop): an output the ledger already confirmed is the
 * answer; an attempt that started and never confirmed is looked for with `reconcile` first; only
 * then is the attempt recorded and the vendor called, and its answer confirmed before it is returned.
 */
export async function runOnce(ledger: EffectLedgerPort | undefined, type: string, action: AnyAction, ctx: ActionContext, input: unknown): Promise<unknown> {
  const { effect } = action;
  if (!ledger || (effect.kind !== 'reconcile' && effect.kind !== 'atLeastOnce')) return action.run(ctx, input);
  const key = ctx.idempotencyKey;
  const entry = await ledger.get(key);
  if (entry?.state === 'confirmed') {
    ctx.logger.info('the ledger holds this step’s confirmed effect; answering with it', { action: type });
    return entry.output;
  }
  if (entry && effect.kind === 'reconcile') {
    const found = await effect.reconcile({ ...ctx, attemptStartedAt: entry.startedAt }, input);
    if (found !== undefined) {
      ctx.logger.info('reconcile found the effect of an earlier attempt; not calling the vendor again', { action: type, attempts: entry.attempts });
      await ledger.confirm(key, type, found);
      return found;
    }
  }
  await ledger.begin(key, type);
  let output: unknown;
  try {
    output = await action.run(ctx, input);
  } catch (err) {
    // The vendor answered and refused (4xx, rate limit, ok:false): no effect. Forgotten, so the next
    // attempt need not reconcile — unless an earlier attempt may have had one.
    if (!entry && answeredWithoutEffect(err)) await ledger.forget(key);
    throw err;
  }
  await ledger.confirm(key, type, output);
  return output;
}

function answeredWithoutEffect(err: unknown): boolean {
  return isConnectorError(err) && err.kind !== 'retryable' && err.status !== undefined && err.status < 500;
}
