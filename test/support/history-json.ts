import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * Parses a history exported with `temporal workflow show --output json` into a History object.
 * Same as the SDK's historyFromJSON, but with the protojson of the protobufjs copy that
 * @temporalio/proto uses: npm installs two copies here and the SDK's helper mixes them
 * ("type must be a Type").
 */
const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as { fromJson(type: unknown, json: unknown, options?: unknown): unknown };
const proto = createRequire(__filename)('@temporalio/proto') as Record<string, unknown>;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyFromCliJson(json: unknown): temporal.api.history.v1.IHistory {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as temporal.api.history.v1.IHistory | null;
  if (!history?.events?.length) throw new Error('not a history: no events');
  return history;
}
