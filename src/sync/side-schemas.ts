import type { ConnectorRegistry } from '../../connectors/sdk/registry';
import type { SyncSideName, SyncSidePlan } from '../../workflows/sync-plan';
import { formatPath, type Diagnostic } from '../recipe/diagnostics';
import { checkSyncFields, hubspotKind, intercomKind, pipedriveKind, salesforceKind, type SideField, type SideSchema } from '../recipe/sync-fields';
import { compileSync, type LinkedSides, type SyncCompileResult } from '../recipe/sync-compile';
import { callWithConnection, type DirectCallOptions } from '../engine/direct-call';

/** Reads one side's field schema from its vendor (through the side's connection). */
export type SideSchemaSource = (side: SyncSidePlan) => Promise<SideSchema>;

const SCHEMA_TIMEOUT_MS = 20_000;

const writable = (yes: boolean) => ({ createable: yes, updateable: yes });

/** One field of a side's schema; a picklist only when the vendor names values. */
function sideField(name: string, kind: SideField['kind'], vendorType: string, access: Pick<SideField, 'createable' | 'updateable'>, picklist?: string[]): SideField {
  return { name, kind, vendorType, ...access, ...(picklist?.length ? { picklist } : {}) };
}

/** How each connector describes an object's fields: the action to call and how to read its answer. */
const describers: Record<string, { action: string; input(object: string): unknown; fields(output: unknown): SideField[]; label(object: string): string }> = {
  salesforce: {
    action: 'describeObject',
    input: (object) => ({ type: object }),
    label: (object) => `Salesforce ${object}`,
    fields: (output) =>
      (output as { fields: { name: string; type: string; createable: boolean; updateable: boolean; picklistValues?: string[] }[] }).fields.map((f) =>
        sideField(f.name, salesforceKind(f.type), f.type, { createable: f.createable, updateable: f.updateable }, f.picklistValues),
      ),
  },
  intercom: {
    action: 'listDataAttributes',
    input: (object) => ({ model: object }),
    label: (object) => `Intercom ${object}`,
    fields: (output) =>
      (output as { attributes: { fullName: string; dataType: string; apiWritable: boolean; options?: string[] }[] }).attributes.map((a) =>
        sideField(a.fullName, intercomKind(a.dataType), a.dataType, writable(a.apiWritable), a.options),
      ),
  },
  hubspot: {
    action: 'listProperties',
    input: (object) => ({ objectType: object }),
    label: (object) => `HubSpot ${object}`,
    fields: (output) =>
      (output as { properties: { name: string; type: string; fieldType: string; readOnly: boolean; options: { value: string }[] }[] }).properties.map((p) =>
        sideField(p.name, hubspotKind(p.type, p.fieldType), p.type, writable(!p.readOnly), p.type === 'enumeration' ? p.options.map((o) => o.value) : undefined),
      ),
  },
  pipedrive: {
    action: 'listFields',
    input: (object) => ({ object }),
    label: (object) => `Pipedrive ${object}`,
    fields: (output) =>
      (output as { fields: { key: string; fieldType: string; custom: boolean; writable: boolean; options: string[] }[] }).fields.map((f) =>
        sideField(pipedriveFieldPath(f), pipedriveKind(f.fieldType), f.fieldType, writable(f.writable), f.fieldType === 'enum' ? f.options : undefined),
      ),
  },
};

/**
 * A Pipedrive field as a v2 record holds it, so a mapping names what the side adapter reads and
 * writes: a custom field under `custom_fields.<key>`, an address (an object in v2) by its `value`.
 */
function pipedriveFieldPath(f: { key: string; fieldType: string; custom: boolean }): string {
  const path = f.custom ? `custom_fields.${f.key}` : f.key;
  return f.fieldType === 'address' ? `${path}.value` : path;
}

/** Field schemas read live through the connections (Salesforce describe, Intercom data attributes, HubSpot properties, Pipedrive fields). */
export function connectionSchemas(registry: ConnectorRegistry, opts: DirectCallOptions): SideSchemaSource {
  return async (side) => {
    const describer = describers[side.connector];
    const found = registry.getAction(`${side.connector}.${describer?.action ?? ''}`);
    if (!describer || !found) throw new Error(`connector ${side.connector} cannot describe its fields`);
    const looked = await opts.connections.lookup(side.connection);
    if (!looked) throw new Error(`connection ${side.connection} does not exist`);
    const { connection } = looked;
    if (connection.status !== 'connected') throw new Error(`connection ${side.connection} is ${connection.status}${connection.statusReason ? ` (${connection.statusReason})` : ''}`);
    const bound = looked.open();
    const parsed = found.connector.auth.credentials.safeParse(bound.credentials);
    if (!parsed.success) throw new Error(`connection ${side.connection} has credentials that do not match the ${side.connector} auth schema`);
    const input: unknown = found.action.input.parse(describer.input(side.object));
    const output = await callWithConnection(found.connector, connection, bound, parsed.data, { ...opts, purpose: 'sync schema', timeoutMs: SCHEMA_TIMEOUT_MS }, (ctx) => found.action.run(ctx, input));
    return { label: describer.label(side.object), fields: new Map(describer.fields(output).map((f) => [f.name, f])) };
  };
}

/**
 * What `recipe apply` and PUT /api/v1/recipes do with a sync: compile it, then (with a schema
 * source) check the mapping against both sides' live field schemas. A side whose schema cannot be
 * read is an error on its connection: a sync is not stored unchecked.
 */
export async function compileSyncForApply(source: unknown, connections: Map<string, string>, schemas?: SideSchemaSource, syncs?: Map<string, LinkedSides>): Promise<SyncCompileResult> {
  const compiled = compileSync(source, { connections, ...(syncs ? { syncs } : {}) });
  if (!compiled.ok || !schemas) return compiled;
  const read: Partial<Record<SyncSideName, SideSchema>> = {};
  const problems: Diagnostic[] = [];
  for (const name of ['left', 'right'] as const) {
    const side = compiled.plan[name];
    try {
      read[name] = await schemas(side);
    } catch (err) {
      problems.push({ path: formatPath([name, 'connection']), message: `cannot read the fields of ${side.connector} ${side.object} through connection ${side.connection}: ${(err as Error).message}`, severity: 'error' });
    }
  }
  problems.push(...checkSyncFields(compiled.plan, read));
  if (problems.some((d) => d.severity === 'error')) return { ok: false, diagnostics: [...compiled.diagnostics, ...problems] };
  return compiled;
}
