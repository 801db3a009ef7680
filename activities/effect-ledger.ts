import { isConnectorError } from '../connectors/sdk/errors';
import type { AnyAction } from '../connectors/sdk/registry';
import type { ActionContext } from '../connectors/sdk/types';
import type { EffectLedger } from '../src/store/effect-ledger';
import { storeCall } from './connection-resolver';

/** The ledger as the action activities use it. */
export type EffectLedgerPort = Pick<EffectLedger, 'get' | 'begin' | 'confirm' | 'forget'>;

/**
 * Runs one attempt of a step at most once in effect, as the action's `effect` declares
 * (connectors/sdk/types.ts). For `reconcile` (and `atLeastOnce`, where a crash after the vendor's
 * answer is the only repeat the ledger can stop): an output the ledger already confirmed is the
 * answer; an attempt that started and never confirmed is looked for with `reconcile` first; only
 * then is the attempt recorded and the vendor called, and its answer confirmed before it is returned.
 *
 * The store failing is no attempt of the step's (StoreUnavailableError: the run waits and calls
 * again) only while nothing reached the vendor: reading the ledger and recording the attempt. Once
 * the vendor confirmed an effect (or reconcile found one) its output is the answer even if the
 * ledger cannot record it: failing then would make the next attempt call again — blindly for
 * `atLeastOnce` — and an unconfirmed attempt is what `reconcile` exists to find. Forgetting a
 * refused attempt is only a shortcut; when the store fails it, the vendor's refusal is the answer.
 */
export async function runOnce(ledger: EffectLedgerPort | undefined, type: string, action: AnyAction, ctx: ActionContext, input: unknown): Promise<unknown> {
  const { effect } = action;
  if (!ledger || (effect.kind !== 'reconcile' && effect.kind !== 'atLeastOnce')) return action.run(ctx, input);
  const key = ctx.idempotencyKey;
  const entry = await storeCall('reading the side-effect ledger', () => ledger.get(key));
  if (entry?.state === 'confirmed') {
    ctx.logger.info('the ledger holds this step’s confirmed effect; answering with it', { action: type });
    return entry.output;
  }
  if (entry && effect.kind === 'reconcile') {
    const found = await effect.reconcile({ ...ctx, attemptStartedAt: entry.startedAt }, input);
    if (found !== undefined) {
      ctx.logger.info('reconcile found the effect of an earlier attempt; not calling the vendor again', { action: type, attempts: entry.attempts });
      await confirmAfterTheCall(ledger, key, type, found, ctx);
      return found;
    }
  }
  await storeCall('recording the attempt in the side-effect ledger', () => ledger.begin(key, type));
  let output: unknown;
  try {
    output = await action.run(ctx, input);
  } catch (err) {
    // The vendor answered and refused (4xx, rate limit, ok:false): no effect. Forgotten, so the next
    // attempt need not reconcile — unless an earlier attempt may have had one.
    if (!entry && answeredWithoutEffect(err)) {
      await ledger.forget(key).catch((e: unknown) => ctx.logger.warn('could not forget the refused attempt in the side-effect ledger; the next attempt reconciles', { action: type, err: messageOf(e) }));
    }
    throw err;
  }
  await confirmAfterTheCall(ledger, key, type, output, ctx);
  return output;
}

/** The effect happened: a ledger that cannot record it leaves the attempt unconfirmed (the next execution reconciles), not the step failed. */
async function confirmAfterTheCall(ledger: EffectLedgerPort, key: string, type: string, output: unknown, ctx: ActionContext): Promise<void> {
  try {
    await ledger.confirm(key, type, output);
  } catch (err) {
    ctx.logger.warn('the vendor confirmed the effect but the side-effect ledger could not record it; answering with the vendor’s output', { action: type, err: messageOf(err) });
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function answeredWithoutEffect(err: unknown): boolean {
  return isConnectorError(err) && err.kind !== 'retryable' && err.status !== undefined && err.status < 500;
}
