import type { ConnectionLike as Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { classifyTemporalError } from './client-errors';
import { cliTypeName, engineSearchAttributes, type EngineSearchAttribute as AttributeKey } from './search-attributes';

/** What the engine needs from its namespace, as found on the cluster. */
export type NamespaceState =
  | { status: 'ready' }
  | { status: 'missing_namespace'; namespace: string }
  | { status: 'missing_attributes'; namespace: string; missing: AttributeKey[]; wrongType: { key: AttributeKey; found: string }[] }
  /** The credentials may not list search attributes (some Temporal Cloud roles): the check cannot tell, so it does not block. */
  | { status: 'unverifiable'; namespace: string; reason: string };

export function indexedValueType(key: AttributeKey): temporal.api.enums.v1.IndexedValueType {
  return temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}` as keyof typeof temporal.api.enums.v1.IndexedValueType];
}

function typeName(type: temporal.api.enums.v1.IndexedValueType | null | undefined): string {
  const name = temporal.api.enums.v1.IndexedValueType[type ?? 0] ?? String(type);
  const key = engineSearchAttributes.find((k) => `INDEXED_VALUE_TYPE_${k.type}` === name);
  return key ? cliTypeName(key) : name.replace('INDEXED_VALUE_TYPE_', '');
}

/** Does the namespace exist, and does it have every search attribute the engine writes, with the right type? */
export async function inspectNamespace(connection: Connection, namespace: string): Promise<NamespaceState> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (err) {
    const problem = classifyTemporalError(err, `describe namespace ${namespace}`);
    if (problem?.kind === 'misconfigured') return { status: 'missing_namespace', namespace };
    throw err;
  }
  let custom: Record<string, temporal.api.enums.v1.IndexedValueType>;
  try {
    custom = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    const problem = classifyTemporalError(err, `list the search attributes of namespace ${namespace}`);
    if (problem?.kind === 'permission_denied' || (err as { code?: number }).code === 12 /* UNIMPLEMENTED */) {
      return { status: 'unverifiable', namespace, reason: problem?.message ?? 'the cluster does not implement ListSearchAttributes' };
    }
    throw err;
  }
  const missing = engineSearchAttributes.filter((key) => custom[key.name] === undefined);
  const wrongType = engineSearchAttributes
    .filter((key) => custom[key.name] !== undefined && custom[key.name] !== indexedValueType(key))
    .map((key) => ({ key, found: typeName(custom[key.name]) }));
  if (missing.length === 0 && wrongType.length === 0) return { status: 'ready' };
  return { status: 'missing_attributes', namespace, missing, wrongType };
}

/** One line: what is missing and the command that fixes it (undefined when the namespace is usable). */
export function namespaceProblem(state: NamespaceState): string | undefined {
  switch (state.status) {
    case 'ready':
    case 'unverifiable':
      return undefined;
    case 'missing_namespace':
      return `Temporal namespace ${state.namespace} does not exist: create it (temporal operator namespace create --namespace ${state.namespace}; on Temporal Cloud in the Cloud UI or with tcld), then run \`switchyard setup\``;
    case 'missing_attributes': {
      const parts = [];
      if (state.missing.length) parts.push(`lacks the search attributes ${state.missing.map((k) => `${k.name} (${cliTypeName(k)})`).join(', ')}`);
      if (state.wrongType.length) parts.push(`has ${state.wrongType.map((w) => `${w.key.name} as ${w.found} instead of ${cliTypeName(w.key)}`).join(', ')}`);
      const fix = state.missing.length ? 'run `switchyard setup` (where it may not create them, it prints the `temporal operator search-attribute create` commands)' : 'a search attribute cannot change type: remove it (temporal operator search-attribute remove) and run `switchyard setup`, or use another namespace';
      return `Temporal namespace ${state.namespace} ${parts.join(' and ')}: ${fix}`;
    }
  }
}
