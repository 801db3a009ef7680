import { hubspotSide } from './hubspot';
import { intercomSide } from './intercom';
import { pipedriveSide } from './pipedrive';
import { salesforceSide } from './salesforce';
import type { SideAdapter } from './types';

/** The side adapter of each connector a sync can use (one file per vendor). */
export const sideAdapters: Readonly<Record<string, SideAdapter>> = {
  intercom: intercomSide,
  hubspot: hubspotSide,
  pipedrive: pipedriveSide,
  salesforce: salesforceSide,
};
