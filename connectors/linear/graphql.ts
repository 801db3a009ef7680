import { createHash } from 'node:crypto';
import { ConnectorError, isConnectorError } from '../sdk/errors';
import type { ActionContext } from '../sdk/types';

/**
 * One GraphQL request to `/graphql`; returns `data[field]`. Errors (in a 200 or a 4xx) were already
 * classified by the vendor profile, so what reaches here without `data[field]` is a broken answer.
 */
export async function linearGraphql<T>(ctx: ActionContext<unknown>, query: string, variables: Record<string, unknown>, field: string): Promise<T> {
  const res = await ctx.http.request<{ data?: Record<string, T | null> | null }>({ method: 'POST', path: '/graphql', json: { query, variables } });
  const value = res.body?.data?.[field];
  if (value === undefined || value === null) throw new ConnectorError('fatal', `Linear answered without data.${field}`, { code: 'unexpected_response' });
  if ((value as { success?: unknown }).success === false) throw new ConnectorError('fatal', `Linear reported ${field} as unsuccessful`, { code: 'unsuccessful' });
  return value;
}

/**
 * A UUID (v4 layout) derived from the step's idempotency key: the same step always proposes the
 * same client-side `id` to Linear, so a retry cannot create a second entity.
 */
export function entityIdFor(kind: 'issue' | 'comment', idempotencyKey: string): string {
  const b = createHash('sha256').update(`linear:${kind}:${idempotencyKey}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Runs a create that carries a client id. On a retry that Linear refuses as invalid input (the id
 * is taken), `findEarlier` looks the id up: the entity an earlier attempt created is the result.
 */
export async function createdOnce<C, E>(ctx: ActionContext<unknown>, create: () => Promise<C>, findEarlier: () => Promise<E | undefined>): Promise<C | E> {
  try {
    return await create();
  } catch (err) {
    if (ctx.attempt <= 1 || !isConnectorError(err) || err.kind !== 'invalid_input') throw err;
    const earlier = await findEarlier();
    if (earlier === undefined) throw err;
    ctx.logger.info('Linear refused the client id on a retry: returning what the earlier attempt created');
    return earlier;
  }
}
