import { dedupeIdFor } from '../sdk/idempotency';
import type { ActionContext } from '../sdk/types';

/** The `metadata.event_type` of messages that carry a step key. */
const stepEventType = 'switchyard_step';

/** What chat.postMessage's `metadata` carries so a retry can find the message. */
export function stepMetadata(idempotencyKey: string) {
  return { event_type: stepEventType, event_payload: { step: dedupeIdFor(idempotencyKey) } };
}

interface HistoryMessage {
  ts: string;
  metadata?: { event_type?: string; event_payload?: { step?: unknown } };
}

interface HistoryPage {
  messages?: HistoryMessage[];
  response_metadata?: { next_cursor?: string };
}

/** Pages at most this many times through the window, newest first. */
const maxPages = 5;
/** Slack's clock and ours may differ: the window starts this much before the first attempt. */
const skewSeconds = 120;

/**
 * The ts of the message carrying the step key, posted since `since`, in `channel` (an id) or in the
 * thread under `threadTs`: conversations.history / conversations.replies with `include_all_metadata`.
 */
export async function findStepMessage(ctx: ActionContext, channel: string, since: Date, threadTs?: string): Promise<string | undefined> {
  const step = stepMetadata(ctx.idempotencyKey).event_payload.step;
  const oldest = (Math.floor(since.getTime() / 1000) - skewSeconds).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await ctx.http.request<HistoryPage>({
      method: 'GET',
      path: threadTs ? '/conversations.replies' : '/conversations.history',
      query: { channel, oldest, limit: 200, include_all_metadata: true, ...(threadTs ? { ts: threadTs } : {}), ...(cursor ? { cursor } : {}) },
    });
    const found = res.body.messages?.find((m) => m.metadata?.event_type === stepEventType && m.metadata.event_payload?.step === step);
    if (found) return found.ts;
    cursor = res.body.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** A channel name (`#support`, `support`) → its id through conversations.list; an id is returned as is. */
export async function channelId(ctx: ActionContext, channel: string): Promise<string | undefined> {
  if (/^[CGD][A-Z0-9]{2,}$/.test(channel)) return channel;
  const name = channel.replace(/^#/, '');
  let cursor: string | undefined;
  do {
    const res = await ctx.http.request<{ channels?: { id: string; name: string }[]; response_metadata?: { next_cursor?: string } }>({
      method: 'GET',
      path: '/conversations.list',
      query: { types: 'public_channel,private_channel', exclude_archived: true, limit: 200, ...(cursor ? { cursor } : {}) },
    });
    const hit = res.body.channels?.find((c) => c.name === name);
    if (hit) return hit.id;
    cursor = res.body.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return undefined;
}
