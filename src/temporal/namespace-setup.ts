import type { ConnectionLike as Connection } from '@temporalio/client';
import { classifyTemporalError } from './client-errors';
import { indexedValueType, inspectNamespace, namespaceProblem, type NamespaceState } from './namespace-check';
import { engineSearchAttributes, searchAttributeCommands } from './search-attributes';

/**
 * `switchyard setup`, Temporal side (idempotent): the namespace must exist; the engine's search
 * attributes are created through the operator service when the credentials allow, otherwise the
 * exact commands are printed for whoever can run them. Resolves true when the namespace is usable.
 */
export async function prepareNamespace(connection: Connection, namespace: string, print: (line: string) => void, settleTimeoutMs = 30_000): Promise<boolean> {
  const state = await inspectNamespace(connection, namespace);
  if (state.status === 'ready') {
    print(`temporal: namespace ${namespace} has every search attribute the engine writes (${engineSearchAttributes.map((k) => k.name).join(', ')})`);
    return true;
  }
  if (state.status === 'unverifiable') {
    print(`temporal: cannot list the search attributes of namespace ${namespace} (${state.reason}); if they are missing, ask someone who can to create them:`);
    printCommands(namespace, engineSearchAttributes, print);
    return true;
  }
  if (state.status === 'missing_namespace' || state.wrongType.length > 0) {
    print(`temporal: ${namespaceProblem(state)}`);
    return false;
  }
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(state.missing.map((key) => [key.name, indexedValueType(key)])),
    });
  } catch (err) {
    const problem = classifyTemporalError(err, `create search attributes in namespace ${namespace}`);
    if (problem?.kind !== 'permission_denied' && (err as { code?: number }).code !== 12 /* UNIMPLEMENTED, e.g. Temporal Cloud */) throw err;
    print(`temporal: not allowed to create the search attributes ${state.missing.map((k) => k.name).join(', ')} in namespace ${namespace} (${problem?.message ?? 'not implemented by this cluster'}); ask someone who can to run:`);
    printCommands(namespace, state.missing, print);
    return false;
  }
  const settled = await untilReady(connection, namespace, settleTimeoutMs);
  if (settled.status !== 'ready') {
    print(`temporal: created the search attributes, but the namespace does not show them yet: ${namespaceProblem(settled)}`);
    return false;
  }
  print(`temporal: created the search attributes ${state.missing.map((k) => k.name).join(', ')} in namespace ${namespace}`);
  return true;
}

function printCommands(namespace: string, keys: typeof engineSearchAttributes, print: (line: string) => void): void {
  const { cli, cloud } = searchAttributeCommands(namespace, keys);
  for (const line of cli) print(`  ${line}`);
  print('  On Temporal Cloud (Cloud UI → Namespaces → Search attributes, or tcld):');
  for (const line of cloud) print(`  ${line}`);
}

/** Search attributes are added asynchronously on some visibility stores (Elasticsearch): wait until the namespace lists them. */
async function untilReady(connection: Connection, namespace: string, timeoutMs: number): Promise<NamespaceState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await inspectNamespace(connection, namespace);
    if (state.status === 'ready' || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
