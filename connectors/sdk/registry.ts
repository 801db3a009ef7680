import { isSignatureScheme } from './signatures/schemes';
import type { ActionDefinition, ConnectorDefinition, PollingTriggerDefinition } from './types';

/**
 * The registry holds connectors of different credential types side by side, each erased to
 * `unknown` credentials that its own auth schema parses on the way in (see erase-credentials.ts).
 */
export type AnyConnector = ConnectorDefinition;
export type AnyAction = ActionDefinition;
type AnyPollingTrigger = PollingTriggerDefinition;

/** What `createRegistry` takes: a connector builder (`connector({...}).action(...)`). */
interface RegistrableConnector {
  readonly registered: AnyConnector;
}

export interface ConnectorRegistry {
  getConnector(id: string): AnyConnector | undefined;
  listConnectors(): AnyConnector[];
  /** By activity type "<connector>.<action>". */
  getAction(type: string): { connector: AnyConnector; action: AnyAction } | undefined;
  /** By "<connector>.<trigger>". */
  getPollingTrigger(type: string): { connector: AnyConnector; trigger: AnyPollingTrigger } | undefined;
}

/** Whether a step calling this action must name a connection. */
export function connectionRequirement(connector: AnyConnector, action: AnyAction): 'required' | 'optional' | 'none' {
  return action.connection ?? (connector.auth.kind === 'none' ? 'none' : 'required');
}

/** A webhook source without a declared, known verification scheme would accept forged deliveries. */
function assertVerifiedSource(def: AnyConnector): void {
  const source = def.webhookSource;
  if (!source) return;
  const schemes: readonly string[] = Array.isArray(source.schemes) ? source.schemes : [];
  if (schemes.length === 0) throw new Error(`connector ${def.id}: its webhook source declares no verification scheme`);
  const unknown = schemes.filter((s) => !isSignatureScheme(s));
  if (unknown.length > 0) throw new Error(`connector ${def.id}: unknown verification scheme ${unknown.join(', ')}`);
  if (typeof source.verify !== 'function') throw new Error(`connector ${def.id}: its webhook source has no verify()`);
}

export function createRegistry(entries: readonly RegistrableConnector[]): ConnectorRegistry {
  const byId = new Map<string, AnyConnector>();
  for (const { registered: def } of entries) {
    if (byId.has(def.id)) throw new Error(`connector registry: duplicate connector id ${def.id}`);
    assertVerifiedSource(def);
    byId.set(def.id, def);
  }
  const split = (type: string): [string, string] | undefined => {
    const dot = type.lastIndexOf('.');
    return dot > 0 ? [type.slice(0, dot), type.slice(dot + 1)] : undefined;
  };
  return {
    getConnector: (id) => byId.get(id),
    listConnectors: () => [...byId.values()],
    getAction(type) {
      const parts = split(type);
      const connector = parts && byId.get(parts[0]);
      const action = connector && Object.hasOwn(connector.actions, parts[1]) ? connector.actions[parts[1]] : undefined;
      return connector && action ? { connector, action } : undefined;
    },
    getPollingTrigger(type) {
      const parts = split(type);
      const connector = parts && byId.get(parts[0]);
      const trigger = connector && Object.hasOwn(connector.pollingTriggers, parts[1]) ? connector.pollingTriggers[parts[1]] : undefined;
      return connector && trigger ? { connector, trigger } : undefined;
    },
  };
}
