import { isConnectorError } from '../../connectors/sdk/errors';
import type { ActionContext } from '../../connectors/sdk/types';
import { chunks, type WriteResult } from './types';

/**
 * A per-record failure the vendor stated (refused input, not found, conflict): reported for that
 * record, with the existing record's id when the vendor's conflict message names it
 * (`existingId`'s first group); anything else (auth, rate limit, outage) fails the page.
 */
function refused(err: unknown, existingId?: RegExp): WriteResult {
  if (!isConnectorError(err) || (err.kind !== 'invalid_input' && err.kind !== 'fatal')) throw err;
  const existing = err.status === 409 && existingId ? existingId.exec(err.message)?.[1] : undefined;
  return { ok: false, message: err.message, code: err.code, gone: err.status === 404, ...(existing ? { existingId: existing } : {}) };
}

/** One vendor call per record (vendors without a batch write): each record's outcome in order, a heartbeat after each. */
export async function oneByOne<T>(ctx: ActionContext, items: readonly T[], write: (item: T) => Promise<string>, existingId?: RegExp): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (const item of items) {
    try {
      out.push({ ok: true, id: await write(item) });
    } catch (err) {
      out.push(refused(err, existingId));
    }
    ctx.heartbeat();
  }
  return out;
}

/** `items` in vendor batches of `size`, one call each, the results in order; a heartbeat after each batch. */
export async function inBatches<T, R>(ctx: ActionContext, items: readonly T[], size: number, call: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(items, size)) {
    out.push(...(await call(part)));
    ctx.heartbeat();
  }
  return out;
}

/**
 * A batch write whose vendor refuses the whole batch for one bad record (a 4xx for the call, not a
 * per-record result): the batch is written again record by record, so only the bad one is reported.
 */
export async function isolating<T>(part: readonly T[], call: (part: readonly T[]) => Promise<WriteResult[]>, existingId?: RegExp): Promise<WriteResult[]> {
  try {
    return await call(part);
  } catch (err) {
    const alone = refused(err, existingId);
    if (part.length === 1) return [alone];
    const out: WriteResult[] = [];
    for (const one of part) out.push(...(await isolating([one], call, existingId)));
    return out;
  }
}
