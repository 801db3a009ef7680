import type { HubSpotFake } from '../../sandbox/hubspot-fake';
import type { FakeObjectType } from '../../sandbox/hubspot-fake-crm';
import type { PipedriveEntity, PipedriveFake, PipedriveRecord } from '../../sandbox/pipedrive-fake';

/** Records (not calls) in HubSpot's batch calls of a kind (`create`, `update`) for an object: a call carries up to 100 inputs. */
export const hubspotBatchInputs = (hs: HubSpotFake, object: FakeObjectType, kind: string): number =>
  hs.received('POST', `/crm/v3/objects/${object}/batch/${kind}`).reduce((n, r) => n + ((r.body as { inputs?: unknown[] } | undefined)?.inputs?.length ?? 0), 0);

/** A HubSpot contact's name as Intercom keeps it: first and last name joined. */
export const hubspotName = (p: Record<string, string>): string => [p.firstname, p.lastname].filter(Boolean).join(' ');

/** The records of a Pipedrive object that are not deleted. */
export const pipedriveLive = (pd: PipedriveFake, entity: PipedriveEntity): PipedriveRecord[] => [...pd.records[entity].values()].filter((r) => !r.is_deleted);

/** A Pipedrive person's primary email, lower-cased. */
export const pipedriveEmail = (r: PipedriveRecord): string | undefined =>
  ((r.emails as { value: string; primary?: boolean }[]).find((p) => p.primary) ?? (r.emails as { value: string }[])[0])?.value.toLowerCase();
