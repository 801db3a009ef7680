import type { RunEvent } from '../../workflows/plan';
import type { RunEventWithRef } from '../../workflows/trigger-payload';
import type { TriggerPayloadStore } from '../store/trigger-payloads';

export interface PayloadRefPolicy {
  payloads: TriggerPayloadStore;
  /** SWITCHYARD_PAYLOAD_REF_BYTES: payloads larger than this (JSON bytes) do not enter workflow history; undefined = always inline. */
  thresholdBytes?: number;
}

/**
 * Over the threshold the payload is sealed into the store and the run gets `{ payloadRef }`;
 * `switchyard.loadTriggerPayload` later loads only the paths the plan reads. Matching already
 * happened on the full payload. The reference is derived from the source and event hash, so a
 * redelivery maps onto the same row.
 */
export async function byReferenceIfLarge(policy: PayloadRefPolicy, event: RunEvent, eventHash: string, now: Date): Promise<RunEventWithRef> {
  if (policy.thresholdBytes === undefined) return event;
  const json = JSON.stringify(event.payload);
  if (Buffer.byteLength(json) <= policy.thresholdBytes) return event;
  const payloadRef = await policy.payloads.put(event.source, eventHash, json, now);
  return { ...event, payload: null, payloadRef };
}
