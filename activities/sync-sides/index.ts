import { canMerge, type MergingConnector } from '../../src/sync/merges';
import { hubspotMerge, hubspotSide } from './hubspot';
import { intercomCompanySide } from './intercom-companies';
import { intercomSide } from './intercom';
import { pipedriveMerge, pipedriveSide } from './pipedrive';
import { salesforceSide } from './salesforce';
import type { Merge, SideAdapter } from './types';

/** The side adapter of each connector a sync can use (one file per vendor). */
const byConnector: Readonly<Record<string, SideAdapter>> = {
  intercom: intercomSide,
  hubspot: hubspotSide,
  pipedrive: pipedriveSide,
  salesforce: salesforceSide,
};

/** Objects a connector reads and writes through other endpoints than its adapter's (Intercom companies). */
const byObject: Readonly<Record<string, Readonly<Record<string, SideAdapter>>>> = {
  intercom: { company: intercomCompanySide },
};

/** The adapter for a sync side: its object's own, else its connector's. */
export function sideAdapter(side: { connector: string; object: string }): SideAdapter | undefined {
  return byObject[side.connector]?.[side.object] ?? byConnector[side.connector];
}

/** The merge of each connector src/sync/merges.ts names (the compiler checks definitions against that list): exactly those. */
const mergers: Readonly<Record<MergingConnector, Merge>> = {
  hubspot: hubspotMerge,
  pipedrive: pipedriveMerge,
};

/** How duplicates of this side are merged; undefined for a side the compiler refuses `onDuplicate: "merge"` into. */
export function sideMerge(side: { connector: string; object: string }): Merge | undefined {
  return canMerge(side) ? mergers[side.connector] : undefined;
}
